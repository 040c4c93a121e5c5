//! Logos (hostile uploads included), email domains verified against a DNS
//! server the test runs on loopback, and agreements only an admin accepts.

use std::io::Cursor;

use idp_core::organizations::dns::standin::DnsStandIn;
use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_clients::admin_token;
use crate::helpers::*;
use crate::oauth_helpers::json_call;
use crate::on_both_databases;
use crate::org_helpers::*;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([10, 120, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG signature and header claiming `width`×`height`, then a tiny
/// compressed stream: what a decompression bomb looks like from outside.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    out.extend(((idat.len() - 4) as u32).to_be_bytes());
    out.extend(idat);
    out.extend(crc32(idat).to_be_bytes());
    out
}

async fn upload(
    app: &TestApp,
    who: &Person,
    org: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> (u16, Value) {
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/v1/organizations/{org}/logo")))
        .bearer_auth(&who.token)
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let (status, _, body) = reply_of(r).await;
    (status, body)
}

async fn get_logo(app: &TestApp, who: &Person, org: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/organizations/{org}/logo")))
        .bearer_auth(&who.token);
    if let Some(tag) = etag {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

on_both_databases! {
    async fn a_logo_is_re_encoded_and_served_safely(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let eve = person(&app, &portal, "eve@evil.test").await;
        let acme = company(&app, &alice, "Acme").await;
        join(&app, &alice, &acme, &bob, "member").await;

        // A PNG with a text chunk after its header: what comes back is idp's.
        let mut uploaded = png(200, 100);
        let chunk = b"tEXtComment\0<script>alert(1)</script>";
        let mut with_text = uploaded[..33].to_vec();
        with_text.extend(((chunk.len() - 4) as u32).to_be_bytes());
        with_text.extend(chunk);
        with_text.extend(crc32(chunk).to_be_bytes());
        with_text.extend(&uploaded[33..]);
        uploaded = with_text;
        // The declared type does not matter: the content decides.
        let (status, saved) = upload(&app, &alice, &acme, uploaded.clone(), "application/octet-stream").await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["content_type"], "image/png");

        let r = get_logo(&app, &bob, &acme, None).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "content-type"), "image/png");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        assert!(header(&r, "cache-control").contains("private"));
        let etag = header(&r, "etag");
        assert_eq!(etag, saved["etag"].as_str().unwrap());
        let served = r.bytes().await.unwrap().to_vec();
        assert_ne!(served, uploaded, "re-encoded, not the uploaded bytes");
        assert!(!served.windows(8).any(|w| w == b"<script>"), "metadata dropped");
        let decoded = image::load_from_memory(&served).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (200, 100));
        assert_eq!(get_logo(&app, &bob, &acme, Some(&etag)).await.status(), 304);
        assert_eq!(get_logo(&app, &eve, &acme, None).await.status(), 404);

        // JPEG stays JPEG.
        let (status, saved) = upload(&app, &alice, &acme, jpeg(64, 64), "image/jpeg").await;
        assert_eq!((status, saved["content_type"].as_str()), (200, Some("image/jpeg")));

        // Only admins change it.
        let (status, _) = upload(&app, &bob, &acme, png(10, 10), "image/png").await;
        assert_eq!(status, 403);
        let (status, _) = upload(&app, &eve, &acme, png(10, 10), "image/png").await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, &alice, Method::DELETE, &format!("/organizations/{acme}/logo"), None).await;
        assert_eq!(status, 204);
        assert_eq!(get_logo(&app, &bob, &acme, None).await.status(), 404);
    }

    async fn hostile_logos_are_refused_and_nothing_is_stored(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let good = png(32, 32);
        let mut html_as_png = b"\x89PNG\r\n\x1a\n".to_vec();
        html_as_png.extend(b"<html><script>alert(document.cookie)</script></html>");
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("svg with script", svg, 422),
            ("html behind a png signature", html_as_png, 422),
            ("gif", gif, 422),
            ("truncated png", good[..good.len() / 2].to_vec(), 422),
            ("too many pixels", png(2000, 10), 422),
            ("decompression bomb", png_claiming(30_000, 30_000), 422),
            ("empty", Vec::new(), 422),
            ("over 1 MiB", vec![0u8; 1024 * 1024 + 1], 413),
        ];
        for (what, bytes, expected) in cases {
            let (status, answer) = upload(&app, &alice, &acme, bytes, "image/png").await;
            assert_eq!(status, expected, "{what}: {answer}");
            assert!(answer["error_description"].as_str().unwrap().starts_with("The logo"), "{what}: {answer}");
        }
        assert_eq!(get_logo(&app, &alice, &acme, None).await.status(), 404, "nothing was stored");
    }

    async fn the_pages_upload_and_show_the_logo(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let page = format!("/company?org={acme}");
        let (_, html) = app.page(&alice.browser, &page).await;
        let token = csrf_in(&html);
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token.clone())
            .part("logo", reqwest::multipart::Part::bytes(png(48, 48)).file_name("logo.png"));
        let r = alice.browser.post(app.url(&format!("/company/logo?org={acme}"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = app.page(&alice.browser, &format!("{page}&notice=logo_saved")).await;
        assert!(html.contains("The logo was saved.") && html.contains(&format!("src=\"/company/logo?org={acme}\"")), "{html}");
        let r = alice.browser.get(app.url(&format!("/company/logo?org={acme}"))).send().await.unwrap();
        assert_eq!((r.status().as_u16(), header(&r, "content-type")), (200, "image/png".to_owned()));
        // A refused upload says why on the page.
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token.clone())
            .part("logo", reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("logo.svg"));
        let r = alice.browser.post(app.url(&format!("/company/logo?org={acme}"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("The logo"));
        // Without the CSRF token, nothing.
        let form = reqwest::multipart::Form::new()
            .part("logo", reqwest::multipart::Part::bytes(png(8, 8)).file_name("logo.png"));
        let r = alice.browser.post(app.url(&format!("/company/logo?org={acme}"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // The invitation page shows it to someone who is no member yet.
        call(&app, &alice, Method::POST, &format!("/organizations/{acme}/invitations"), Some(json!({"email": "new@acme.test", "role": "member"}))).await;
        let token = invitation_token(&app, "new@acme.test").await;
        let visitor = browser();
        let (_, html) = app.page(&visitor, &format!("/invitation?token={token}")).await;
        assert!(html.contains(&format!("src=\"/invitation/logo?token={token}\"")), "{html}");
        let r = visitor.get(app.url(&format!("/invitation/logo?token={token}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = visitor.get(app.url("/invitation/logo?token=wrong")).send().await.unwrap();
        assert_eq!(r.status(), 410);
    }

    async fn agreements_are_accepted_by_an_admin_once_per_version(app) {
        let portal = portal(&app);
        let alice = person(&app, &portal, "alice@acme.test").await;
        let bob = person(&app, &portal, "bob@acme.test").await;
        let zoe = person(&app, &portal, "zoe@other.test").await;
        let acme = company(&app, &alice, "Acme").await;
        let berlin = branch(&app, &alice, &acme, "Berlin").await;
        let other = company(&app, &zoe, "Other").await;
        join(&app, &alice, &acme, &bob, "member").await;
        let operator = admin_token(&app).await;
        let publish = |body: Value| {
            let (app, operator) = (&app, operator.clone());
            async move {
                let (status, _, made) = json_call(Method::POST, &app.url("/api/v1/admin/agreements"), Some(&operator), Some(body)).await;
                assert_eq!(status, 201, "{made}");
                made["id"].as_str().unwrap().to_owned()
            }
        };
        let partner_v1 = publish(json!({"title": "Partner agreement", "version": "1", "body": "Be nice.", "organization_id": acme, "include_branches": true})).await;
        let terms = publish(json!({"title": "Portal terms", "version": "2026", "url": "https://portal.example.com/terms"})).await;

        let list = |who: &'static str, org: String| {
            let person = match who { "bob" => &bob, "zoe" => &zoe, _ => &alice };
            let app = &app;
            async move {
                let (status, body) = call(app, person, Method::GET, &format!("/organizations/{org}/agreements"), None).await;
                assert_eq!(status, 200, "{body}");
                body["agreements"].as_array().unwrap().iter().map(|a| (a["id"].as_str().unwrap().to_owned(), a["accepted"].clone())).collect::<Vec<_>>()
            }
        };
        let seen = list("bob", acme.clone()).await;
        assert_eq!(seen.len(), 2);
        assert!(seen.iter().all(|(_, accepted)| accepted.is_null()));
        assert_eq!(list("alice", berlin.clone()).await.len(), 2, "the branch inherits the company's agreement");
        let theirs = list("zoe", other.clone()).await;
        assert_eq!(theirs.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), [terms.as_str()], "not Acme's");

        let accept = |who: &Person, org: &str, id: &str| {
            let path = format!("/organizations/{org}/agreements/{id}/accept");
            let app = &app;
            let token = who.token.clone();
            async move {
                let (status, _, body) = json_call(Method::POST, &app.url(&format!("/api/v1{path}")), Some(&token), None).await;
                (status, body)
            }
        };
        let (status, answer) = accept(&bob, &acme, &partner_v1).await;
        assert_eq!((status, answer["error"].as_str()), (403, Some("admin_only")));
        let (status, answer) = accept(&alice, &acme, &partner_v1).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["accepted"]["email"], "alice@acme.test");
        let (status, _) = accept(&alice, &acme, &partner_v1).await;
        assert_eq!(status, 409, "once per version");
        let (status, _) = accept(&zoe, &other, &partner_v1).await;
        assert_eq!(status, 404, "not theirs to accept");
        // The branch accepts for itself; a new version needs a new acceptance.
        let (status, _) = accept(&alice, &berlin, &partner_v1).await;
        assert_eq!(status, 200);
        let partner_v2 = publish(json!({"title": "Partner agreement", "version": "2", "body": "Be nicer.", "organization_id": acme})).await;
        let seen = list("bob", acme.clone()).await;
        let v2 = seen.iter().find(|(id, _)| *id == partner_v2).unwrap();
        assert!(v2.1.is_null(), "{seen:?}");
        let v1 = seen.iter().find(|(id, _)| *id == partner_v1).unwrap();
        assert!(!v1.1.is_null());
        assert_eq!(list("alice", berlin.clone()).await.len(), 2, "v2 is for Acme alone");

        // Only the operator publishes, and what it publishes is checked.
        let (status, _, _) = json_call(Method::POST, &app.url("/api/v1/admin/agreements"), Some(&alice.token), Some(json!({"title": "x", "version": "1", "body": "y"}))).await;
        assert!(status == 401 || status == 403, "{status}");
        for bad in [
            json!({"title": "", "version": "1", "body": "y"}),
            json!({"title": "T", "version": "1"}),
            json!({"title": "T", "version": "1", "url": "javascript:alert(1)"}),
            json!({"title": "T", "version": "1", "body": "y", "include_branches": true}),
            json!({"title": "T", "version": "1", "body": "y", "organization_id": "nope"}),
            json!({"title": "T", "version": "1", "body": "x".repeat(13 * 1024)}),
        ] {
            let (status, _, answer) = json_call(Method::POST, &app.url("/api/v1/admin/agreements"), Some(&operator), Some(bad.clone())).await;
            assert!(status == 422 || status == 404, "{bad}: {status} {answer}");
        }
    }
}

/// Domains against a nameserver the test runs on loopback.
async fn a_domain_is_verified_by_its_txt_record(backend: Backend) {
    let dns = DnsStandIn::start();
    let app = TestApp::spawn_with(backend, |s| s.dns = dns.settings()).await;
    let portal = portal(&app);
    let alice = person(&app, &portal, "alice@acme.test").await;
    let zoe = person(&app, &portal, "zoe@squatter.test").await;
    let acme = company(&app, &alice, "Acme").await;
    let squat = company(&app, &zoe, "Squatter").await;
    let claim = |who: &Person, org: &str, domain: &str| {
        let (app, token, path) = (
            &app,
            who.token.clone(),
            format!("/api/v1/organizations/{org}/domains"),
        );
        let body = json!({"domain": domain});
        async move {
            let (s, _, b) =
                json_call(Method::POST, &app.url(&path), Some(&token), Some(body)).await;
            (s, b)
        }
    };
    let (status, claimed) = claim(&alice, &acme, "Acme.TEST.").await;
    assert_eq!(status, 201, "{claimed}");
    assert_eq!(claimed["domain"], "acme.test");
    assert_eq!(claimed["verified"], false);
    assert_eq!(claimed["challenge"]["record"], "_idp-challenge.acme.test");
    let challenge = claimed["challenge"]["value"].as_str().unwrap().to_owned();
    // The squatter may claim too while nobody has proven it.
    let (status, theirs) = claim(&zoe, &squat, "acme.test").await;
    assert_eq!(status, 201, "{theirs}");

    let verify = |who: &Person, org: &str| {
        let (app, token, path) = (
            &app,
            who.token.clone(),
            format!("/api/v1/organizations/{org}/domains/acme.test/verify"),
        );
        async move {
            let (s, _, b) = json_call(Method::POST, &app.url(&path), Some(&token), None).await;
            (s, b)
        }
    };
    let (status, answer) = verify(&alice, &acme).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (422, Some("domain_not_proven")),
        "{answer}"
    );
    dns.set_txt(
        "_idp-challenge.acme.test",
        vec!["v=something-else".into(), challenge.clone()],
    );
    let (status, answer) = verify(&zoe, &squat).await;
    assert_eq!(
        status, 422,
        "the squatter's challenge is not there: {answer}"
    );
    let (status, answer) = verify(&alice, &acme).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (answer["verified"].as_bool(), answer["verified_by"].as_str()),
        (Some(true), Some("dns"))
    );
    assert!(answer["challenge"].is_null());

    // Now it is Acme's alone.
    dns.set_txt(
        "_idp-challenge.acme.test",
        vec![theirs["challenge"]["value"].as_str().unwrap().to_owned()],
    );
    let (status, answer) = verify(&zoe, &squat).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (409, Some("domain_taken")),
        "{answer}"
    );
    let (status, _) = claim(&zoe, &squat, "acme.test").await;
    assert_eq!(status, 409);
    let operator = admin_token(&app).await;
    let (status, _, _) = json_call(
        Method::POST,
        &app.url(&format!(
            "/api/v1/admin/organizations/{squat}/domains/acme.test/approve"
        )),
        Some(&operator),
        None,
    )
    .await;
    assert_eq!(status, 409, "not even the operator gives it twice");

    // Branches inherit it.
    let berlin = branch(&app, &alice, &acme, "Berlin").await;
    let (_, listed) = call(
        &app,
        &alice,
        Method::GET,
        &format!("/organizations/{berlin}/domains"),
        None,
    )
    .await;
    assert_eq!(listed["domains"][0]["domain"], "acme.test");
    assert_eq!(listed["domains"][0]["organization_id"], acme.as_str());

    for bad in [
        "",
        "localhost",
        "exa mple.com",
        "-bad.com",
        "https://acme.test",
        "acme.test/x",
        &format!("{}.com", "a".repeat(64)),
    ] {
        let (status, answer) = claim(&alice, &acme, bad).await;
        assert_eq!(status, 422, "{bad}: {answer}");
    }
    // A nameserver that does not answer ends in a clear error, in bounded time.
    let (status, _) = claim(&alice, &acme, "acme2.test").await;
    assert_eq!(status, 201);
    dns.set_trick(idp_core::organizations::dns::standin::Trick::Silent);
    let started = std::time::Instant::now();
    let path = format!("/api/v1/organizations/{acme}/domains/acme2.test/verify");
    let (status, _, answer) =
        json_call(Method::POST, &app.url(&path), Some(&alice.token), None).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (422, Some("domain_not_proven")),
        "{answer}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
}

crate::for_both_backends!(a_domain_is_verified_by_its_txt_record);

//! Mail goes over real SMTP when `smtp_url` is set: a tiny SMTP server on a
//! loopback port receives it here.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::oidc_helpers::person;

/// Accepts SMTP sessions and sends each message's DATA through the channel.
fn smtp_sink() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (port, serve_smtp(listener))
}

/// Starts answering SMTP on `listener`. Until this is called a bound
/// listener holds connections in its backlog without a greeting: a server
/// that is up but has not answered yet.
fn serve_smtp(listener: TcpListener) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream).lines();
                let _ = out.write_all(b"220 sink ESMTP\r\n");
                while let Some(Ok(line)) = lines.next() {
                    let verb = line.to_ascii_uppercase();
                    let reply: &[u8] = if verb.starts_with("EHLO") || verb.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if verb.starts_with("DATA") {
                        let _ = out.write_all(b"354 go on\r\n");
                        let mut data = String::new();
                        for l in lines.by_ref().map_while(Result::ok) {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        let _ = tx.send(data);
                        b"250 queued\r\n"
                    } else if verb.starts_with("QUIT") {
                        let _ = out.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = out.write_all(reply);
                }
            });
        }
    });
    rx
}

async fn mail_goes_over_smtp_when_configured(backend: Backend) {
    let (port, received) = smtp_sink();
    let app = TestApp::spawn_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.email.from = "Accounts <accounts@example.com>".into();
    })
    .await;
    let r = app
        .submit(
            &browser(),
            "/signup",
            "/signup",
            &signup_fields("smtp@example.com", PASSWORD),
        )
        .await;
    assert_eq!(r.status(), 200);
    let message = received
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a message arrived over SMTP");
    assert!(message.contains("To: smtp@example.com"), "{message}");
    assert!(
        message.contains("From: Accounts <accounts@example.com>"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Activate your account"),
        "{message}"
    );
    assert!(
        message.contains("Message-ID:") && message.contains("Date:"),
        "{message}"
    );
    assert!(app.emails().is_empty(), "nothing went to the outbox");
}

/// A loopback port with nothing listening on it: SMTP is down.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Brings a listener up on `port` (retried: the kernel may hold it a moment).
fn listen_on(port: u16) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => return listener,
            Err(e) if Instant::now() > deadline => panic!("cannot listen on {port} again: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn next_message(received: &mpsc::Receiver<String>) -> String {
    received
        .recv_timeout(Duration::from_secs(20))
        .expect("a message arrived over SMTP")
}

async fn request_reset(app: &TestApp, email: &str) -> (u16, serde_json::Value) {
    let client = browser();
    let call = app.api(
        &client,
        reqwest::Method::POST,
        "/api/v1/password/reset",
        Some(serde_json::json!({"email": email})),
    );
    actix_web::rt::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the answer waited for the mail server")
}

fn smtp_settings(port: u16) -> impl FnOnce(&mut idp_core::config::Settings) {
    move |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    }
}

async fn the_answer_to_a_reset_does_the_same_work_for_known_and_unknown_addresses(
    backend: Backend,
) {
    // Up, but not answering yet: a request that talked to it would hang.
    let paused = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = paused.local_addr().unwrap().port();
    let app = TestApp::spawn_with(backend, smtp_settings(port)).await;
    person(&app, "known@example.com");
    let known = request_reset(&app, "known@example.com").await;
    let unknown = request_reset(&app, "ghost@example.com").await;
    assert_eq!(known, (202, serde_json::json!({"status": "check_email"})));
    assert_eq!(unknown, known);
    // Both answers came back while the mail server had not said a word.
    let received = serve_smtp(paused);
    let message = next_message(&received);
    assert!(message.contains("To: known@example.com"), "{message}");
    assert!(
        message.contains("Subject: Your password reset code"),
        "{message}"
    );
    assert!(
        received.recv_timeout(Duration::from_secs(2)).is_err(),
        "nothing goes to an unknown address"
    );
}

/// SMTP down on `port`, and a retry a second after a failure.
fn smtp_down(port: u16) -> impl FnOnce(&mut idp_core::config::Settings) {
    move |s| {
        smtp_settings(port)(s);
        s.email.retry_seconds = 1;
    }
}

/// What the queue table holds, oldest first: (recipient, status, attempts, body).
fn queue_rows(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    use diesel::prelude::*;
    use idp_core::db::schema::email_outbox as q;
    app.idp
        .db
        .read(|conn| {
            q::table
                .order(q::id)
                .select((q::recipient, q::status, q::attempts, q::body))
                .load(conn)
                .map_err(idp_core::db::StoreError::from)
        })
        .unwrap()
}

/// Waits until every queued message has been tried (and failed) at least once.
async fn until_tried(app: &TestApp, messages: usize) {
    for _ in 0..500 {
        let rows = queue_rows(app);
        if rows.len() == messages && rows.iter().all(|r| r.1 == "queued" && r.2 >= 1) {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not tried: {:?}", queue_rows(app));
}

async fn mail_waits_while_smtp_is_down_and_goes_out_when_it_is_back(backend: Backend) {
    let port = closed_port();
    let app = TestApp::spawn_with(backend, smtp_down(port)).await;
    let r = app
        .submit(
            &browser(),
            "/signup",
            "/signup",
            &signup_fields("patient@example.com", PASSWORD),
        )
        .await;
    assert_eq!(r.status(), 200, "the request is answered as usual");
    until_tried(&app, 1).await;
    let sealed = queue_rows(&app)[0]
        .3
        .clone()
        .expect("the body waits with the row");
    assert!(
        !sealed.contains("patient") && !sealed.contains("Activate") && !sealed.contains("token"),
        "the waiting body is sealed: {sealed}"
    );
    let received = serve_smtp(listen_on(port));
    let message = next_message(&received);
    assert!(message.contains("To: patient@example.com"), "{message}");
    assert!(
        message.contains("Subject: Activate your account"),
        "{message}"
    );
    app.wait_for_mail_queue();
    let rows = queue_rows(&app);
    assert_eq!(rows.len(), 1);
    let (recipient, status, attempts, body) = &rows[0];
    assert_eq!(
        (recipient.as_str(), status.as_str()),
        ("patient@example.com", "sent")
    );
    assert!(*attempts >= 2, "it took a retry: {attempts}");
    assert_eq!(body, &None, "the link left the database with the message");
}

async fn mail_queued_by_one_server_is_sent_by_the_next(backend: Backend) {
    let port = closed_port();
    let first = TestApp::spawn_with(backend, smtp_down(port)).await;
    for who in ["waiting", "orphaned", "claimed"] {
        person(&first, &format!("{who}@example.com"));
        assert_eq!(
            request_reset(&first, &format!("{who}@example.com")).await.0,
            202
        );
    }
    until_tried(&first, 3).await;
    first.stop().await;
    // As if nodes had died while sending: one claim has run out, one has not.
    first
        .idp
        .db
        .write(|conn| {
            use diesel::prelude::*;
            use idp_core::db::schema::email_outbox as q;
            let now = idp_core::now();
            for (who, until) in [
                ("orphaned", now - chrono::Duration::seconds(1)),
                ("claimed", now + chrono::Duration::hours(1)),
            ] {
                diesel::update(q::table.filter(q::recipient.eq(format!("{who}@example.com"))))
                    .set((
                        q::status.eq("sending"),
                        q::claim.eq(Some("a node that died")),
                        q::claimed_until.eq(Some(until)),
                    ))
                    .execute(conn)?;
            }
            Ok::<_, idp_core::db::StoreError>(())
        })
        .unwrap();
    let (sink, received) = smtp_sink();
    let (database_url, data_dir) = (first.database_url.clone(), first.data_dir.clone());
    let second = TestApp::spawn_with(backend, move |s| {
        // A restart: the same database and data folder (master key).
        s.database_url = Some(database_url);
        s.data_dir = data_dir;
        smtp_settings(sink)(s);
    })
    .await;
    let mut delivered: Vec<String> = (0..2)
        .map(|_| {
            let message = next_message(&received);
            assert!(
                message.contains("Subject: Your password reset code"),
                "{message}"
            );
            message
                .lines()
                .find_map(|l| l.strip_prefix("To: "))
                .unwrap()
                .to_owned()
        })
        .collect();
    delivered.sort();
    assert_eq!(delivered, ["orphaned@example.com", "waiting@example.com"]);
    assert!(
        received.recv_timeout(Duration::from_secs(1)).is_err(),
        "a claim that has not run out is left to its node"
    );
    let statuses: Vec<(String, String)> = queue_rows(&second)
        .into_iter()
        .map(|(to, status, _, _)| (to, status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("waiting@example.com".into(), "sent".into()),
            ("orphaned@example.com".into(), "sent".into()),
            ("claimed@example.com".into(), "sending".into()),
        ]
    );
}

crate::for_both_backends! {
    mail_goes_over_smtp_when_configured,
    the_answer_to_a_reset_does_the_same_work_for_known_and_unknown_addresses,
    mail_waits_while_smtp_is_down_and_goes_out_when_it_is_back,
    mail_queued_by_one_server_is_sent_by_the_next,
}

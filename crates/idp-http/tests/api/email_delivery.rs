//! Mail goes over real SMTP when `smtp_url` is set: a tiny SMTP server on a
//! loopback port receives it here.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use crate::helpers::*;

/// Accepts SMTP sessions and sends each message's DATA through the channel.
fn smtp_sink() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
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
    (port, rx)
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

crate::for_both_backends! {
    mail_goes_over_smtp_when_configured,
}

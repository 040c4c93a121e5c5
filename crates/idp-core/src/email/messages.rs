//! The messages idp sends, composed from the language catalog.

use crate::i18n;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Email {
    /// The catalog name it was composed from (`verify`, `reset_code`, …):
    /// what the queue records and the quotas count.
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Set on marketing-capable mail: adds the RFC 8058 headers and a footer link.
    pub unsubscribe_link: Option<String>,
}

/// What a message asks the reader to do, if anything.
pub enum Action<'a> {
    None,
    /// A button in HTML, a bare URL in text.
    Link(&'a str),
    /// A code to type, shown prominently.
    Code(&'a str),
}

impl Email {
    /// Composes catalog entries `email.{name}.subject|body|action` in `lang`,
    /// in the operator's `wording` where it has them; `{placeholders}` in
    /// them are filled from `args`. Idp::compose_email is the way in.
    fn compose(
        wording: Option<&i18n::Overrides>,
        to: &str,
        lang: &str,
        name: &str,
        args: &[(&str, &str)],
        action: Action<'_>,
    ) -> Self {
        let text_of = |key: &str| i18n::format_with(wording, lang, key, args);
        let key = |part: &str| format!("email.{name}.{part}");
        let subject = text_of(&key("subject"));
        let body = text_of(&key("body"));
        let mut text = body.clone();
        let mut html = format!(
            "<!doctype html><html lang=\"{}\"><body style=\"font-family:sans-serif\">",
            escape(lang)
        );
        for paragraph in body.split("\n\n") {
            html.push_str(&format!("<p>{}</p>", escape(paragraph)));
        }
        match action {
            Action::None => {}
            Action::Link(url) => {
                let label = text_of(&key("action"));
                text.push_str(&format!("\n\n{label}:\n{url}\n"));
                html.push_str(&format!(
                    "<p><a href=\"{}\">{}</a></p>",
                    escape(url),
                    escape(&label)
                ));
            }
            Action::Code(code) => {
                text.push_str(&format!("\n\n    {code}\n"));
                html.push_str(&format!(
                    "<p style=\"font-size:1.6em;letter-spacing:.2em\"><strong>{}</strong></p>",
                    escape(code)
                ));
            }
        }
        let footer = text_of("email.footer");
        text.push_str(&format!("\n\n-- \n{footer}\n"));
        html.push_str(&format!("<hr><p><small>{}</small></p>", escape(&footer)));
        html.push_str("</body></html>");
        Self {
            kind: name.to_owned(),
            to: to.to_owned(),
            subject,
            text,
            html,
            unsubscribe_link: None,
        }
    }

    /// Makes this a marketing-capable message with an unsubscribe link.
    /// `label` is the link's text (the catalog's `email.unsubscribe`).
    pub fn with_unsubscribe(mut self, label: &str, link: String) -> Self {
        self.text.push_str(&format!("{label}: {link}\n"));
        let html_footer = format!(
            "<p><small><a href=\"{}\">{}</a></small></p></body></html>",
            escape(&link),
            escape(label)
        );
        self.html = self.html.replace("</body></html>", &html_footer);
        self.unsubscribe_link = Some(link);
        self
    }
}

impl crate::Idp {
    /// [`Email::compose`] with the operator's product name (`branding.product_name`)
    /// as `{ $product }`, which the footer and the welcome name, and the
    /// operator's wording (`[branding] folder`).
    pub(crate) fn compose_email(
        &self,
        to: &str,
        lang: &str,
        name: &str,
        args: &[(&str, &str)],
        action: Action<'_>,
    ) -> Email {
        let product = self.settings.branding.product_name.trim();
        let mut args = args.to_vec();
        args.push(("product", product));
        Email::compose(Some(&self.wording), to, lang, name, &args, action)
    }

    /// One catalog text for an email (with `{ $product }`), in the
    /// operator's wording where it has one.
    pub(crate) fn email_text(&self, lang: &str, key: &str) -> String {
        let product = self.settings.branding.product_name.trim();
        i18n::format_with(Some(&self.wording), lang, key, &[("product", product)])
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_fills_placeholders_and_escapes_html() {
        let e = Email::compose(
            None,
            "a@example.com",
            "en",
            "email_change_notice",
            &[("new_email", "<b>@example.com")],
            Action::None,
        );
        assert!(e.text.contains("<b>@example.com"));
        assert!(e.html.contains("&lt;b&gt;@example.com"));
        assert!(!e.subject.contains("email."), "{}", e.subject);
    }
}

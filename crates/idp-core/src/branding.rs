//! `[branding]`: what the pages show of the operator rather than of idp —
//! product name, logo, colour, support link, the language for people whose
//! browser asks for none idp has, and a folder with a style sheet of one's
//! own (docs/branding.md).

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrandingSettings {
    /// Shown in the page header and every page title.
    pub product_name: String,
    /// PNG, JPEG, WebP or SVG, at most [`MAX_LOGO_BYTES`]; replaces the
    /// product name in the header (which stays its text alternative).
    pub logo_file: Option<PathBuf>,
    /// `#rrggbb` for buttons and links; it must keep a 4.5:1 contrast with
    /// white text (WCAG 2.2 AA), so a pale brand colour is refused.
    pub primary_color: String,
    /// "Help and support" in every page's footer.
    pub support_url: Option<String>,
    /// When neither the app, the person nor the browser names a language idp has.
    pub default_language: String,
    /// A folder whose `custom.css` is served after idp's style sheet, and
    /// whose `messages/<tag>.ftl` reword idp's messages.
    pub folder: Option<PathBuf>,
}

pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

impl Default for BrandingSettings {
    fn default() -> Self {
        Self {
            product_name: "idp".into(),
            logo_file: None,
            primary_color: "#1f4fa8".into(),
            support_url: None,
            default_language: crate::i18n::FALLBACK.into(),
            folder: None,
        }
    }
}

impl BrandingSettings {
    /// Every problem, each with its key (`branding.…`) and what to do.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let name = self.product_name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            out.push((
                "branding.product_name",
                "must be 1 to 60 characters, no control characters".into(),
            ));
        }
        match rgb(&self.primary_color) {
            None => out.push(("branding.primary_color", "must be #rrggbb, e.g. #1f4fa8".into())),
            Some(c) if contrast(c, (255, 255, 255)) < 4.5 => out.push((
                "branding.primary_color",
                format!(
                    "is too light for white text on it ({:.1}:1; WCAG AA needs 4.5:1): choose a darker shade",
                    contrast(c, (255, 255, 255))
                ),
            )),
            Some(_) => {}
        }
        if let Some(url) = &self.support_url {
            let ok = url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "https" | "http" | "mailto"));
            if !ok {
                out.push((
                    "branding.support_url",
                    "must be an https:, http: or mailto: URL".into(),
                ));
            }
        }
        if !crate::i18n::languages().any(|l| l == self.default_language) {
            let known: Vec<&str> = crate::i18n::languages().collect();
            out.push((
                "branding.default_language",
                format!("must be one of {}", known.join(", ")),
            ));
        }
        if let Some(path) = &self.logo_file {
            if let Err(e) = Logo::read(path) {
                out.push(("branding.logo_file", e));
            }
        }
        if let Some(folder) = &self.folder {
            if !folder.is_dir() {
                out.push((
                    "branding.folder",
                    format!("{} is not a folder", folder.display()),
                ));
            } else if let Err(problems) = crate::i18n::Overrides::load(folder) {
                out.extend(problems.into_iter().map(|p| ("branding.folder", p)));
            }
        }
        out
    }

    /// The operator's style sheet, if the branding folder has one.
    pub fn custom_css(&self) -> Option<String> {
        let path = self.folder.as_ref()?.join("custom.css");
        std::fs::read_to_string(path).ok()
    }
}

/// The logo as served: its bytes and media type.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl Logo {
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.len() > MAX_LOGO_BYTES {
            return Err(format!(
                "{} is larger than {} KiB",
                path.display(),
                MAX_LOGO_BYTES / 1024
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let content_type = media_type(&bytes)
            .ok_or_else(|| format!("{} is not a PNG, JPEG, WebP or SVG image", path.display()))?;
        Ok(Self {
            bytes,
            content_type,
        })
    }
}

fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
        head.contains("<svg").then_some("image/svg+xml")
    }
}

/// `#rrggbb` as its three channels.
pub fn rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let digits = hex
        .strip_prefix('#')
        .filter(|d| d.len() == 6 && d.is_ascii())?;
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// WCAG 2.2 contrast ratio of two colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!(contrast(rgb("#1f4fa8").unwrap(), (255, 255, 255)) >= 4.5);
        let pale = BrandingSettings {
            primary_color: "#ffcc00".into(),
            ..Default::default()
        };
        assert!(pale
            .problems()
            .iter()
            .any(|(k, m)| *k == "branding.primary_color" && m.contains("darker")));
        assert_eq!(rgb("#12345"), None);
        assert_eq!(rgb("#gg0000"), None);
        assert_eq!(rgb("#ffffff"), Some((255, 255, 255)));
    }

    #[test]
    fn every_setting_is_checked() {
        let bad = BrandingSettings {
            product_name: " ".into(),
            support_url: Some("javascript:alert(1)".into()),
            default_language: "xx".into(),
            logo_file: Some("/nonexistent/logo.png".into()),
            folder: Some("/nonexistent".into()),
            ..Default::default()
        };
        let keys: Vec<&str> = bad.problems().iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "branding.product_name",
                "branding.support_url",
                "branding.default_language",
                "branding.logo_file",
                "branding.folder"
            ]
        );
        assert!(BrandingSettings::default().problems().is_empty());
        assert_eq!(
            media_type(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("image/svg+xml")
        );
        assert_eq!(media_type(b"GIF89a"), None);
    }

    #[test]
    fn a_folder_with_a_faulty_rewording_is_a_problem() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("messages")).unwrap();
        std::fs::write(
            folder.path().join("messages/en.ftl"),
            "page-login-title = { $who }\n",
        )
        .unwrap();
        let with_folder = BrandingSettings {
            folder: Some(folder.path().to_owned()),
            ..Default::default()
        };
        let problems = with_folder.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "branding.folder");
        assert!(
            problems[0]
                .1
                .starts_with("messages/en.ftl: page-login-title uses"),
            "{problems:?}"
        );
    }
}

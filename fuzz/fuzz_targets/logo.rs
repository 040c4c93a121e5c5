//! `organizations::logo::sanitize`: every uploaded organization logo.
//!
//! Input: the uploaded file as it is. Seeds are tiny PNG, JPEG and WebP
//! files and the openings of attacks (a header claiming 30000×30000 pixels,
//! HTML behind a PNG signature).
#![no_main]

use idp_core::organizations::logo::{sanitize, LogoError, MAX_LOGO_BYTES, MAX_LOGO_SIDE};
use image::ImageFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match sanitize(data) {
        Ok(logo) => {
            assert!(data.len() <= MAX_LOGO_BYTES);
            assert!((1..=MAX_LOGO_SIDE).contains(&logo.width), "{}", logo.width);
            assert!((1..=MAX_LOGO_SIDE).contains(&logo.height), "{}", logo.height);
            // What is served is a well-formed image of the type it is
            // served as, with the size reported.
            let format = match logo.content_type {
                "image/png" => ImageFormat::Png,
                "image/jpeg" => ImageFormat::Jpeg,
                other => panic!("content type {other:?}"),
            };
            let served = image::load_from_memory_with_format(&logo.bytes, format)
                .expect("the re-encoded logo decodes");
            assert_eq!((served.width(), served.height()), (logo.width, logo.height));
            // And it passes again, unchanged in kind and size.
            if logo.bytes.len() <= MAX_LOGO_BYTES {
                let again = sanitize(&logo.bytes).expect("the re-encoded logo is accepted");
                assert_eq!(again.content_type, logo.content_type);
                assert_eq!((again.width, again.height), (logo.width, logo.height));
            }
        }
        Err(error) => {
            if let LogoError::TooManyPixels { width, height } = error {
                assert!(width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE, "{error:?}");
            }
            let text = error.to_string();
            assert!(text.starts_with("The logo") && text.ends_with('.'), "{text:?}");
        }
    }
});

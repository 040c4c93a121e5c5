//! Organization logos: files uploaded by outsiders and later shown to
//! everyone who signs in to the organization, so nothing of the upload is
//! trusted or served back as it came.
//!
//! [`sanitize`] recognises the format by its content alone (never by file
//! name or declared type), refuses anything but PNG, JPEG and WebP, refuses
//! oversized files and images before their pixels are decoded, and
//! re-encodes the decoded pixels into a fresh file.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

/// Largest upload accepted, in bytes (1 MiB).
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// Largest width and height accepted, in pixels.
pub const MAX_LOGO_SIDE: u32 = 1024;

/// What a decoder may allocate at once. The largest accepted image,
/// 1024×1024 RGBA at 16 bits per channel, needs 8 MiB; the rest is room for
/// the decoders' own buffers. Far below what a lying header could ask for.
const MAX_DECODER_ALLOC: u64 = 32 * 1024 * 1024;

/// JPEG re-encoding quality: high enough that a logo shows no new
/// artefacts, low enough to stay near the uploaded size.
const JPEG_QUALITY: u8 = 90;

/// A logo fit to serve: freshly encoded, without any metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// `image/png` or `image/jpeg`: the type of `bytes`, not of the upload.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogoError {
    #[error("The logo file is larger than 1 MiB. Upload a smaller file.")]
    TooLarge,
    #[error("The logo must be a PNG, JPEG or WebP image of at most 1 MiB and 1024×1024 pixels.")]
    NotAnImage,
    #[error(
        "The logo is {width}×{height} pixels; it may be at most 1024×1024. \
         Scale it down and upload it again."
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error(
        "The logo could not be read: the file is damaged, incomplete or uses an unusual \
         variant of its format. Save it again as PNG or JPEG and upload it again."
    )]
    Damaged,
    /// Encoding decoded pixels failed; not expected for any accepted image.
    #[error("The logo could not be converted. Save it again as PNG and upload it again.")]
    Unconvertible,
}

/// Checks an uploaded logo and re-encodes it from its decoded pixels, so
/// that no uploaded byte is ever served back: text chunks, EXIF, XMP, ICC
/// profiles, trailing data and anything hidden in them are dropped. An EXIF
/// orientation is applied to the pixels first, since the tag that carried it
/// is gone.
///
/// Output format: PNG for PNG and WebP uploads (both may be lossless and
/// transparent; PNG keeps that and every browser shows it), JPEG at quality
/// 90 for JPEG uploads (photos would grow several times as PNG). Animated
/// PNG and WebP keep their first frame only.
///
/// Refused, in this order: more than [`MAX_LOGO_BYTES`] of input; content
/// that is not PNG, JPEG or WebP by its magic bytes (SVG, HTML, GIF, BMP,
/// empty input); a header naming more than [`MAX_LOGO_SIDE`] pixels on a
/// side, read before any pixel is decoded; and anything the decoder cannot
/// read in full within a few tens of MiB (truncated files, HTML behind a PNG
/// signature, decompression bombs).
pub fn sanitize(input: &[u8]) -> Result<Logo, LogoError> {
    if input.len() > MAX_LOGO_BYTES {
        return Err(LogoError::TooLarge);
    }
    let format = match image::guess_format(input) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => format,
        _ => return Err(LogoError::NotAnImage),
    };

    // Without a size limit at first: a header naming too many pixels then
    // comes back with its dimensions, for the message, instead of as a bare
    // limit error. The allocation limit holds from the start.
    let mut reader = ImageReader::with_format(Cursor::new(input), format);
    reader.limits(limits(None));
    let mut decoder = reader
        .into_decoder()
        .map_err(|error| header_error(error, format, input))?;

    let (width, height) = decoder.dimensions();
    if width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE {
        return Err(LogoError::TooManyPixels { width, height });
    }
    if width == 0 || height == 0 {
        return Err(LogoError::Damaged);
    }
    let mut limits = limits(Some(MAX_LOGO_SIDE));
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| LogoError::TooManyPixels { width, height })?;
    decoder.set_limits(limits).map_err(decode_error)?;

    // Damaged metadata alone does not make the picture unreadable.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    pixels.apply_orientation(orientation);
    let (width, height) = (pixels.width(), pixels.height());

    let mut bytes = Vec::new();
    let content_type = if format == ImageFormat::Jpeg {
        // The JPEG encoder takes grey or RGB only; a JPEG decodes to one of
        // them in practice, anything else is flattened to RGB.
        let pixels = match pixels {
            DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => pixels,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
        pixels
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
            .map_err(|_| LogoError::Unconvertible)?;
        "image/jpeg"
    } else {
        pixels
            .write_with_encoder(PngEncoder::new(&mut bytes))
            .map_err(|_| LogoError::Unconvertible)?;
        "image/png"
    };
    Ok(Logo {
        bytes,
        content_type,
        width,
        height,
    })
}

fn limits(max_side: Option<u32>) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    limits
}

fn header_error(error: ImageError, format: ImageFormat, input: &[u8]) -> LogoError {
    match error {
        // Only the PNG decoder reserves memory while reading the header: a
        // row buffer for the declared width. Failing that, the width is
        // absurd; IHDR, which it has just validated, says how absurd.
        ImageError::Limits(_) if format == ImageFormat::Png => png_declared_size(input)
            .map(|(width, height)| LogoError::TooManyPixels { width, height })
            .unwrap_or(LogoError::Damaged),
        other => decode_error(other),
    }
}

fn decode_error(_: ImageError) -> LogoError {
    // Decoding, I/O (truncation), unsupported variants and limits hit while
    // decoding all mean the same to the person uploading: this file will
    // not do.
    LogoError::Damaged
}

/// Width and height from a PNG's IHDR chunk, which must come first, right
/// after the 8-byte signature and the chunk's length and type.
fn png_declared_size(input: &[u8]) -> Option<(u32, u32)> {
    let field = |at: usize| Some(u32::from_be_bytes(input.get(at..at + 4)?.try_into().ok()?));
    (input.get(12..16)? == b"IHDR").then_some(())?;
    Some((field(16)?, field(20)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn gradient(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgba8(ImageBuffer::from_fn(width, height, |x, y| {
            Rgba([(x * 7) as u8, (y * 5) as u8, (x + y) as u8, 200])
        }))
    }

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let image = match format {
            ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8()),
            _ => image.clone(),
        };
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// CRC-32 of PNG chunks (ISO 3309), to craft chunks the decoder accepts.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
        out
    }

    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// A PNG header claiming `width`×`height` RGBA pixels, then one tiny
    /// IDAT and IEND: a decompression bomb's opening.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        // zlib of nothing: 78 9c 03 00 00 00 00 01
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn a_png_is_re_encoded_without_its_text_chunks() {
        let png = encode(&gradient(40, 30), ImageFormat::Png);
        // A tEXt chunk right after IHDR (8 signature + 25 IHDR bytes).
        let mut tagged = png[..33].to_vec();
        tagged.extend(chunk(b"tEXt", b"Comment\0<script>alert(1)</script>"));
        tagged.extend_from_slice(&png[33..]);

        let logo = sanitize(&tagged).unwrap();
        assert_eq!(logo.content_type, "image/png");
        assert_eq!((logo.width, logo.height), (40, 30));
        assert_ne!(logo.bytes, tagged);
        assert!(!logo.bytes.windows(6).any(|w| w == b"script"));
        let again = image::load_from_memory_with_format(&logo.bytes, ImageFormat::Png).unwrap();
        assert_eq!((again.width(), again.height()), (40, 30));
        assert_eq!(again.to_rgba8(), gradient(40, 30).to_rgba8());
    }

    #[test]
    fn a_jpeg_stays_a_jpeg() {
        let jpeg = encode(&gradient(64, 48), ImageFormat::Jpeg);
        let logo = sanitize(&jpeg).unwrap();
        assert_eq!(logo.content_type, "image/jpeg");
        assert_eq!((logo.width, logo.height), (64, 48));
        let again = image::load_from_memory_with_format(&logo.bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((again.width(), again.height()), (64, 48));
    }

    #[test]
    fn a_webp_becomes_a_png_with_the_same_pixels() {
        let webp = encode(&gradient(20, 10), ImageFormat::WebP);
        let logo = sanitize(&webp).unwrap();
        assert_eq!(logo.content_type, "image/png");
        assert_eq!((logo.width, logo.height), (20, 10));
        let again = image::load_from_memory_with_format(&logo.bytes, ImageFormat::Png).unwrap();
        assert_eq!(again.to_rgba8(), gradient(20, 10).to_rgba8());
    }

    #[test]
    fn the_largest_accepted_size_passes() {
        let square = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(1024, 1024, Rgb([9, 9, 9])));
        let logo = sanitize(&encode(&square, ImageFormat::Png)).unwrap();
        assert_eq!((logo.width, logo.height), (1024, 1024));
    }

    #[test]
    fn what_is_not_a_png_jpeg_or_webp_is_refused() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(sanitize(svg), Err(LogoError::NotAnImage));
        assert_eq!(sanitize(b""), Err(LogoError::NotAnImage));
        assert_eq!(
            sanitize(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(
            sanitize(b"BM\x3a\x00\x00\x00\x00\x00"),
            Err(LogoError::NotAnImage)
        );
    }

    #[test]
    fn html_behind_a_png_signature_is_damaged() {
        let mut fake = SIGNATURE.to_vec();
        fake.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(sanitize(&fake), Err(LogoError::Damaged));
    }

    #[test]
    fn a_truncated_png_is_damaged() {
        let png = encode(&gradient(40, 30), ImageFormat::Png);
        assert_eq!(sanitize(&png[..png.len() / 2]), Err(LogoError::Damaged));
        assert_eq!(sanitize(&png[..20]), Err(LogoError::Damaged));
    }

    #[test]
    fn a_wide_png_is_refused_with_its_size() {
        let wide = encode(&gradient(2000, 10), ImageFormat::Png);
        assert_eq!(
            sanitize(&wide),
            Err(LogoError::TooManyPixels {
                width: 2000,
                height: 10
            })
        );
    }

    #[test]
    fn a_header_claiming_huge_dimensions_is_refused_before_decoding() {
        let bomb = png_claiming(30_000, 30_000);
        assert!(bomb.len() < 100);
        assert_eq!(
            sanitize(&bomb),
            Err(LogoError::TooManyPixels {
                width: 30_000,
                height: 30_000
            })
        );
        // So wide that the decoder's row buffer alone breaks the limit.
        assert_eq!(
            sanitize(&png_claiming(0x7FFF_FFFF, 1)),
            Err(LogoError::TooManyPixels {
                width: 0x7FFF_FFFF,
                height: 1
            })
        );
    }

    #[test]
    fn a_file_over_one_mebibyte_is_refused_unread() {
        let mut big = SIGNATURE.to_vec();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        assert_eq!(sanitize(&big), Err(LogoError::TooLarge));
    }

    #[test]
    fn every_error_is_a_sentence() {
        for error in [
            LogoError::TooLarge,
            LogoError::NotAnImage,
            LogoError::TooManyPixels {
                width: 2000,
                height: 10,
            },
            LogoError::Damaged,
            LogoError::Unconvertible,
        ] {
            let text = error.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(text.starts_with("The logo"), "{text}");
        }
    }
}

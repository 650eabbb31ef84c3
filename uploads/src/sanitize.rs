use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

/// Longer side of a stored image: a document page stays readable, a 50 MP photo does not
/// take 20 MB of storage.
const MAX_SIDE: u32 = 3000;
/// Largest canvas we agree to decode, read from the header before any pixel is allocated:
/// 40 megapixels is more than any phone camera takes, and decodes to at most 160 MB (RGBA).
/// A flat 7000×7000 PNG of 150 KB would decode to 147 MB: it is refused unread.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side the decoder is told to accept (a second guard beside [`MAX_PIXELS`]): long
/// panoramas of a multi-page document still fit.
const MAX_DECODE_SIDE: u32 = 20_000;
/// Upper bound on what a decoder may allocate, the decoded image included.
const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadPolicy {
    /// Largest upload accepted, in bytes, checked before anything is decoded.
    pub max_bytes: u64,
}

impl Default for UploadPolicy {
    /// 10 MiB: a phone photo of a document is 2–6 MB.
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The type of a stored file, always established from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }

    /// File name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Pdf => "pdf",
        }
    }

    pub(crate) fn from_extension(extension: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Pdf]
            .into_iter()
            .find(|kind| kind.extension() == extension)
    }
}

/// An upload that is safe to keep: within the size cap, of an accepted type and, for images,
/// re-encoded without metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct CleanFile {
    pub bytes: Vec<u8>,
    pub kind: FileKind,
    /// SHA-256 of `bytes`, lowercase hex.
    pub sha256: String,
}

// The bytes of a resident's document have no place in a log line.
impl fmt::Debug for CleanFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CleanFile")
            .field("kind", &self.kind)
            .field("len", &self.bytes.len())
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Why an upload was refused. [`UploadError::code`] is stable; the web layer maps it to a
/// plain-language message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// `detected` is the MIME type the content looks like, when it looks like anything known.
    #[error("files of this type are not accepted (content looks like {})", detected.as_deref().unwrap_or("nothing known"))]
    NotAllowed { detected: Option<String> },
    /// The header claims a canvas over [`MAX_PIXELS`] (or a side over the decoder's limit):
    /// refused before a single pixel is decoded.
    #[error("the image is {width}×{height} pixels, more than we decode")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image is damaged, incomplete or too large to decode")]
    Unreadable,
}

impl UploadError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::NotAllowed { .. } => "not_allowed",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::Unreadable => "unreadable",
        }
    }
}

/// Makes an upload safe to keep, or says why it cannot be.
///
/// The type comes from the content alone. JPEG and WebP come out as JPEG, PNG as PNG: decoded,
/// turned upright by their EXIF orientation, shrunk to at most 3000 px on the longer side and
/// encoded afresh, so no EXIF (GPS position, phone model), XMP or other metadata survives.
/// Images whose header claims more than 40 megapixels are refused unread
/// ([`UploadError::TooManyPixels`]). PDFs are kept byte
/// for byte: serve them as downloads (`Content-Disposition: attachment`), never inline.
///
/// CPU-bound: call it from `spawn_blocking` in async code.
pub fn sanitize(bytes: &[u8], policy: &UploadPolicy) -> Result<CleanFile, UploadError> {
    if u64::try_from(bytes.len()).map_or(true, |len| len > policy.max_bytes) {
        return Err(UploadError::TooLarge {
            max_bytes: policy.max_bytes,
        });
    }
    let (bytes, kind) = match sniff(bytes)? {
        Accepted::Image(format) => reencode(bytes, format)?,
        Accepted::Pdf => (bytes.to_vec(), FileKind::Pdf),
    };
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    Ok(CleanFile {
        bytes,
        kind,
        sha256,
    })
}

enum Accepted {
    Image(ImageFormat),
    Pdf,
}

fn sniff(bytes: &[u8]) -> Result<Accepted, UploadError> {
    let detected = infer::get(bytes).map(|kind| kind.mime_type());
    match detected {
        Some("image/jpeg") => Ok(Accepted::Image(ImageFormat::Jpeg)),
        Some("image/png") => Ok(Accepted::Image(ImageFormat::Png)),
        Some("image/webp") => Ok(Accepted::Image(ImageFormat::WebP)),
        // `infer` finds "%PDF" anywhere in the first KiB, so an HTML page with it in a comment
        // would pass; every real PDF starts with the header.
        Some("application/pdf") if bytes.starts_with(b"%PDF-") => Ok(Accepted::Pdf),
        _ => Err(UploadError::NotAllowed {
            detected: detected.map(str::to_owned),
        }),
    }
}

fn reencode(bytes: &[u8], format: ImageFormat) -> Result<(Vec<u8>, FileKind), UploadError> {
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(UploadError::Unreadable);
    }
    let mut image = decode(bytes, format)?;
    if image.width().max(image.height()) > MAX_SIDE {
        // Keeps the aspect ratio. Area averaging in integers rather than `resize`, whose
        // filters hold a float copy of the image (~300 MB for a 50 MP photo); for a page of
        // text shrunk by a large factor it looks the same.
        image = image.thumbnail(MAX_SIDE, MAX_SIDE);
    }
    let mut out = Vec::new();
    let kind = if format == ImageFormat::Png {
        image
            .write_with_encoder(PngEncoder::new(&mut out))
            .map_err(unreadable)?;
        FileKind::Png
    } else {
        flatten_onto_white(image)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
            .map_err(unreadable)?;
        FileKind::Jpeg
    };
    Ok((out, kind))
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, UploadError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    // Reads the header only: no pixel is decoded before the checks below.
    let (width, height) = header_dimensions(bytes, format)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(UploadError::TooManyPixels { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => UploadError::TooManyPixels { width, height },
        _ => UploadError::Unreadable,
    })?;
    // A few KiB of header can claim a canvas of many gigabytes; refuse before allocating it.
    if decoder.dimensions() != (width, height) || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(UploadError::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The width and height the image's header claims, read without decoding any pixel.
fn header_dimensions(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), UploadError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // No limit on the sides here (they are what is measured), but one on what reading the
    // header may allocate (a PNG's compressed ancillary chunks come before its first pixel).
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.into_dimensions().map_err(|e| match e {
        image::ImageError::Limits(_) => UploadError::TooManyPixels {
            width: 0,
            height: 0,
        },
        _ => UploadError::Unreadable,
    })
}

/// Whether the image data of a JPEG runs to its end marker (EOI).
///
/// The decoder is lenient and paints whatever is missing grey, so an upload cut off by a
/// dropped connection would otherwise be kept as half a document. The header segments are
/// skipped by their lengths (an EXIF thumbnail has an EOI of its own); after the first scan
/// starts, `FF D9` can only be EOI, because the encoder escapes every `FF` in image data.
/// Phones that append data after EOI (motion photos) still pass.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return false;
        };
        match marker {
            // Fill byte before a marker.
            0xFF => at += 1,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => at += 2,
            0xD9 => return false,
            _ => {
                let (Some(&high), Some(&low)) = (bytes.get(at + 2), bytes.get(at + 3)) else {
                    return false;
                };
                let end = at + 2 + usize::from(u16::from_be_bytes([high, low]));
                if marker == 0xDA {
                    return bytes
                        .get(end..)
                        .is_some_and(|data| data.windows(2).any(|pair| pair == [0xFF, 0xD9]));
                }
                at = end;
            }
        }
    }
}

/// JPEG has no transparency; without this, transparent pixels of a WebP would turn black.
fn flatten_onto_white(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let blended = (u16::from(pixel[channel]) * alpha + 255 * (255 - alpha) + 127) / 255;
            out[channel] = u8::try_from(blended).unwrap_or(u8::MAX);
        }
    }
    DynamicImage::ImageRgb8(rgb)
}

fn unreadable(_: image::ImageError) -> UploadError {
    UploadError::Unreadable
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba, RgbaImage};

    fn policy() -> UploadPolicy {
        UploadPolicy::default()
    }

    /// A picture with some structure, so that encoders have something to work on.
    fn picture(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        }))
    }

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, format)
            .expect("encode a test image");
        out.into_inner()
    }

    fn decoded(file: &CleanFile) -> DynamicImage {
        image::load_from_memory(&file.bytes).expect("the clean file decodes")
    }

    /// A big-endian TIFF block with an orientation tag and a GPS IFD holding a latitude.
    fn exif_with_gps(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\x00\x2a");
        tiff.extend_from_slice(&8u32.to_be_bytes());
        // IFD0 at 8: two entries, then the offset of the next IFD (none).
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]); // Orientation, SHORT, 1
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]); // GPSInfo IFD pointer, LONG, 1
        tiff.extend_from_slice(&38u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), 38);
        // GPS IFD at 38: latitude reference and latitude (three rationals at 68).
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&[0x00, 0x02, 0, 5, 0, 0, 0, 3]);
        tiff.extend_from_slice(&68u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), 68);
        for (numerator, denominator) in [(39u32, 1u32), (54, 1), (2700, 100)] {
            tiff.extend_from_slice(&numerator.to_be_bytes());
            tiff.extend_from_slice(&denominator.to_be_bytes());
        }
        tiff
    }

    /// Inserts an APP1 Exif segment right after SOI, where phones put it.
    fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let payload_len = u16::try_from(2 + 6 + tiff.len()).unwrap();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&payload_len.to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(tiff);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// The markers of the segments before the image data.
    fn header_markers(jpeg: &[u8]) -> Vec<u8> {
        let mut markers = Vec::new();
        let mut at = 2;
        while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
            let marker = jpeg[at + 1];
            markers.push(marker);
            if marker == 0xDA {
                break;
            }
            at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        }
        markers
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
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

    #[test]
    fn exif_and_gps_are_gone_and_the_photo_still_decodes() {
        let upload = with_exif(
            &encode(&picture(64, 48), ImageFormat::Jpeg),
            &exif_with_gps(1),
        );
        assert!(header_markers(&upload).contains(&0xE1));

        let clean = sanitize(&upload, &policy()).unwrap();

        assert_eq!(clean.kind, FileKind::Jpeg);
        assert!(!header_markers(&clean.bytes).contains(&0xE1));
        assert!(!contains(&clean.bytes, b"Exif"));
        assert!(!contains(&clean.bytes, &2700u32.to_be_bytes()));
        let image = decoded(&clean);
        assert_eq!((image.width(), image.height()), (64, 48));
    }

    #[test]
    fn sideways_photo_is_turned_upright() {
        // Orientation 6: the phone was held upright, the sensor stored the picture rotated.
        let upload = with_exif(
            &encode(&picture(64, 48), ImageFormat::Jpeg),
            &exif_with_gps(6),
        );

        let image = decoded(&sanitize(&upload, &policy()).unwrap());

        assert_eq!((image.width(), image.height()), (48, 64));
    }

    #[test]
    fn renamed_elf_is_not_allowed() {
        let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
        elf.resize(128, 0);

        let error = sanitize(&elf, &policy()).unwrap_err();

        assert_eq!(error.code(), "not_allowed");
        assert_eq!(
            error,
            UploadError::NotAllowed {
                detected: Some("application/x-executable".into())
            }
        );
    }

    #[test]
    fn renamed_windows_exe_is_not_allowed() {
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        exe.resize(256, 0);

        let error = sanitize(&exe, &policy()).unwrap_err();

        assert_eq!(error.code(), "not_allowed");
    }

    #[test]
    fn html_zip_and_unknown_bytes_are_not_allowed() {
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".as_slice();
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00".as_slice();
        let text = b"just some words".as_slice();
        let html_posing_as_pdf = b"<html><!-- %PDF-1.7 --><script>alert(1)</script>".as_slice();

        for upload in [html, zip, text, html_posing_as_pdf] {
            assert_eq!(
                sanitize(upload, &policy()).unwrap_err().code(),
                "not_allowed"
            );
        }
        assert_eq!(
            sanitize(text, &policy()).unwrap_err(),
            UploadError::NotAllowed { detected: None }
        );
    }

    #[test]
    fn pdf_is_kept_byte_for_byte() {
        let pdf =
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

        let clean = sanitize(pdf, &policy()).unwrap();

        assert_eq!(clean.kind, FileKind::Pdf);
        assert_eq!(clean.bytes, pdf);
        assert_eq!(
            clean.sha256,
            "56c2ac043c28d3543275a6f50b593a6beb0b6888ed8159ac02e3e7f4a32ccb26"
        );
    }

    #[test]
    fn over_the_cap_is_refused_before_decoding() {
        let small = UploadPolicy { max_bytes: 100 };
        // Not even a known type: only the size check can produce too_large.
        let garbage = vec![0u8; 101];

        assert_eq!(
            sanitize(&garbage, &small).unwrap_err(),
            UploadError::TooLarge { max_bytes: 100 }
        );
        assert_eq!(
            sanitize(&garbage[..100], &small).unwrap_err().code(),
            "not_allowed"
        );
    }

    #[test]
    fn png_stays_png() {
        let upload = encode(&picture(30, 20), ImageFormat::Png);

        let clean = sanitize(&upload, &policy()).unwrap();

        assert_eq!(clean.kind, FileKind::Png);
        assert_eq!(image::guess_format(&clean.bytes).unwrap(), ImageFormat::Png);
        assert_eq!(decoded(&clean), picture(30, 20));
    }

    #[test]
    fn webp_becomes_jpeg() {
        let upload = encode(&picture(30, 20), ImageFormat::WebP);

        let clean = sanitize(&upload, &policy()).unwrap();

        assert_eq!(clean.kind, FileKind::Jpeg);
        assert_eq!(
            image::guess_format(&clean.bytes).unwrap(),
            ImageFormat::Jpeg
        );
        assert_eq!(decoded(&clean).width(), 30);
    }

    #[test]
    fn transparent_webp_turns_white_not_black() {
        let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(16, 16, Rgba([0, 0, 0, 0])));
        let upload = encode(&clear, ImageFormat::WebP);

        let image = decoded(&sanitize(&upload, &policy()).unwrap()).to_rgb8();

        assert!(image.pixels().all(|pixel| pixel.0.iter().all(|&c| c > 240)));
    }

    #[test]
    fn long_side_is_brought_down_to_3000_pixels() {
        let upload = encode(&picture(4000, 1000), ImageFormat::Png);

        let image = decoded(&sanitize(&upload, &policy()).unwrap());

        assert_eq!((image.width(), image.height()), (3000, 750));
    }

    #[test]
    fn decompression_bomb_header_is_refused_unread() {
        let mut png = encode(&picture(8, 8), ImageFormat::Png);
        // IHDR is the first chunk: 8 bytes signature, 4 length, 4 type, then width and height.
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let mut unlimited = ImageReader::with_format(Cursor::new(&png), ImageFormat::Png);
        unlimited.no_limits();
        assert_eq!(unlimited.into_dimensions().unwrap(), (100_000, 100_000));

        assert_eq!(
            sanitize(&png, &policy()).unwrap_err(),
            UploadError::TooManyPixels {
                width: 100_000,
                height: 100_000
            }
        );
    }

    #[test]
    fn flat_7000_by_7000_png_is_refused_without_being_decoded() {
        let bomb = crate::testing::flat_png(7000, 7000);
        // ~1 MB that decodes to 147 MB of pixels: the attack of eight parallel uploads.
        assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
        let mut unlimited = ImageReader::with_format(Cursor::new(&bomb), ImageFormat::Png);
        unlimited.no_limits();
        assert_eq!(unlimited.into_dimensions().unwrap(), (7000, 7000));

        let error = sanitize(&bomb, &policy()).unwrap_err();

        assert_eq!(
            error,
            UploadError::TooManyPixels {
                width: 7000,
                height: 7000
            }
        );
        assert_eq!(error.code(), "too_many_pixels");
    }

    #[test]
    fn a_big_canvas_is_refused_from_its_header_alone() {
        // The same header with no pixel data at all: decoding it would fail as unreadable, so
        // "too many pixels" shows that nothing was decoded.
        let bomb = crate::testing::flat_png(7000, 7000);
        let header_only = crate::testing::png_header_only(&bomb);
        assert!(image::load_from_memory(&header_only).is_err());

        assert_eq!(
            sanitize(&header_only, &policy()).unwrap_err().code(),
            "too_many_pixels"
        );
    }

    #[test]
    fn forty_megapixels_is_the_line() {
        let just_under = crate::testing::png_header_only(&crate::testing::flat_png(8000, 5000));
        let just_over = crate::testing::png_header_only(&crate::testing::flat_png(8001, 5000));

        // Under the cap the header passes and the missing pixel data is what fails.
        assert_eq!(
            sanitize(&just_under, &policy()).unwrap_err(),
            UploadError::Unreadable
        );
        assert_eq!(
            sanitize(&just_over, &policy()).unwrap_err().code(),
            "too_many_pixels"
        );
    }

    #[test]
    fn a_side_over_the_decoders_limit_is_too_many_pixels() {
        let long = crate::testing::png_header_only(&crate::testing::flat_png(30_000, 10));

        assert_eq!(
            sanitize(&long, &policy()).unwrap_err().code(),
            "too_many_pixels"
        );
    }

    #[test]
    fn truncated_jpeg_is_unreadable() {
        let jpeg = encode(&picture(200, 200), ImageFormat::Jpeg);

        let error = sanitize(&jpeg[..jpeg.len() / 2], &policy()).unwrap_err();

        assert_eq!(error, UploadError::Unreadable);
        assert_eq!(error.code(), "unreadable");
    }

    #[test]
    fn truncated_png_and_webp_are_unreadable() {
        for format in [ImageFormat::Png, ImageFormat::WebP] {
            let whole = encode(&picture(200, 200), format);

            let error = sanitize(&whole[..whole.len() / 2], &policy()).unwrap_err();

            assert_eq!(error, UploadError::Unreadable, "{format:?}");
        }
    }

    #[test]
    fn jpeg_with_data_after_its_end_is_kept() {
        // Motion photos append a video after the picture's end marker.
        let mut upload = encode(&picture(40, 30), ImageFormat::Jpeg);
        upload.extend_from_slice(b"\x00\x00\x00\x18ftypmp42 trailing video");

        let image = decoded(&sanitize(&upload, &policy()).unwrap());

        assert_eq!((image.width(), image.height()), (40, 30));
    }

    #[test]
    fn jpeg_cut_inside_its_exif_is_unreadable() {
        let upload = with_exif(
            &encode(&picture(40, 30), ImageFormat::Jpeg),
            &exif_with_gps(1),
        );

        assert_eq!(
            sanitize(&upload[..40], &policy()).unwrap_err(),
            UploadError::Unreadable
        );
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(UploadError::TooLarge { max_bytes: 1 }.code(), "too_large");
        assert_eq!(
            UploadError::NotAllowed { detected: None }.code(),
            "not_allowed"
        );
        assert_eq!(UploadError::Unreadable.code(), "unreadable");
        assert_eq!(
            UploadError::TooManyPixels {
                width: 1,
                height: 1
            }
            .code(),
            "too_many_pixels"
        );
    }

    #[test]
    fn file_kinds_name_their_type() {
        assert_eq!(FileKind::Jpeg.content_type(), "image/jpeg");
        assert_eq!(FileKind::Png.content_type(), "image/png");
        assert_eq!(FileKind::Pdf.content_type(), "application/pdf");
        for kind in [FileKind::Jpeg, FileKind::Png, FileKind::Pdf] {
            assert_eq!(FileKind::from_extension(kind.extension()), Some(kind));
        }
    }
}

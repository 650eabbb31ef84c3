//! Files for tests of the upload checks, here and in the crates above.

/// A black RGB PNG of `width`×`height` made without encoding any pixel: its one deflate block
/// says "zero, then repeat the last byte 258 times" over and over, so a 7000×7000 canvas
/// (147 MB decoded) takes about 1 MB. What an attacker sends to exhaust a server's memory.
pub fn flat_png(width: u32, height: u32) -> Vec<u8> {
    let row = 1 + 3 * u64::from(width);
    let raw = row * u64::from(height);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib_zeros(raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The same PNG without its pixel data: its image data chunk holds only the two bytes that
/// start a zlib stream. A header that claims the canvas and nothing else: decoding it fails,
/// only its header can be read.
pub fn png_header_only(png: &[u8]) -> Vec<u8> {
    let mut out = png[..8].to_vec();
    let mut at = 8;
    while at + 12 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        let end = at + 12 + len;
        if &png[at + 4..at + 8] == b"IDAT" {
            chunk(&mut out, b"IDAT", &png[at + 8..at + 10]);
        } else {
            out.extend_from_slice(&png[at..end]);
        }
        at = end;
    }
    out
}

/// The test S3-compatible server's settings, under a folder of its own for each call, or `None`
/// when `TEST_S3_ENDPOINT` is unset (the test command starts one and sets `REQUIRE_S3=1`, so
/// that a missing server fails the run instead of skipping the S3 half of a test).
pub fn test_s3_settings() -> Option<crate::S3Settings> {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var("REQUIRE_S3").is_err(),
            "REQUIRE_S3 is set but TEST_S3_ENDPOINT is not"
        );
        eprintln!("TEST_S3_ENDPOINT is not set: skipping the S3 run of this test");
        return None;
    };
    let bucket = std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "portal-test".to_owned());
    let url: crate::S3Url = format!("s3://{bucket}/run-{}", uuid::Uuid::new_v4().simple())
        .parse()
        .expect("TEST_S3_BUCKET is a valid bucket name");
    Some(crate::S3Settings {
        url,
        access_key_id: Some("test".to_owned()),
        secret_access_key: Some("test".to_owned()),
        region: Some("us-east-1".to_owned()),
        endpoint: Some(endpoint),
        allow_http: true,
    })
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&len.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of `count` zero bytes, in one fixed-Huffman deflate block.
fn zlib_zeros(count: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    // BFINAL = 1, BTYPE = 01 (fixed Huffman).
    bits.push(1, 1);
    bits.push(1, 2);
    let literal_zero = |bits: &mut Bits| bits.push_code(0b0011_0000, 8);
    literal_zero(&mut bits);
    let rest = count - 1;
    for _ in 0..rest / 258 {
        // Length 258 is code 285 (8 bits, no extra); distance 1 is code 0 (5 bits, no extra).
        bits.push_code(0b1100_0101, 8);
        bits.push_code(0, 5);
    }
    for _ in 0..rest % 258 {
        literal_zero(&mut bits);
    }
    // End of block.
    bits.push_code(0, 7);
    let mut out = vec![0x78, 0x01];
    out.extend_from_slice(&bits.finish());
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    let b = u32::try_from(count % 65_521).unwrap_or(0);
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    current: u8,
    used: u8,
}

impl Bits {
    /// A value, least significant bit first (header fields).
    fn push(&mut self, value: u32, count: u8) {
        for i in 0..count {
            self.bit((value >> i) & 1 == 1);
        }
    }

    /// A Huffman code, most significant bit first.
    fn push_code(&mut self, code: u32, count: u8) {
        for i in (0..count).rev() {
            self.bit((code >> i) & 1 == 1);
        }
    }

    fn bit(&mut self, set: bool) {
        if set {
            self.current |= 1 << self.used;
        }
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.used = 0;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.bytes.push(self.current);
        }
        self.bytes
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_png_is_a_real_png_of_that_size() {
        let png = flat_png(300, 200);
        let image = image::load_from_memory(&png).expect("decodes");
        assert_eq!((image.width(), image.height()), (300, 200));
        assert!(image.to_rgb8().pixels().all(|p| p.0 == [0, 0, 0]));
    }
}

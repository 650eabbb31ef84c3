//! The built WASM, JS and CSS, and the public files, served with brotli/gzip versions made once
//! at start rather than compressed again on every request.

use std::io::Write;
use std::path::{Path, PathBuf};

/// File types worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: [&str; 7] = ["wasm", "js", "css", "svg", "json", "webmanifest", "html"];

/// Writes `file.br` and `file.gz` beside every compressible file under `root` that lacks an
/// up-to-date one. Returns how many files it compressed.
pub fn precompress(root: &Path) -> std::io::Result<usize> {
    let mut done = 0;
    for path in files_under(root)? {
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| COMPRESSIBLE.contains(&ext));
        if !compressible {
            continue;
        }
        let source = std::fs::read(&path)?;
        let modified = std::fs::metadata(&path)?.modified()?;
        let stale = |suffix: &str| -> std::io::Result<Option<PathBuf>> {
            let target = PathBuf::from(format!("{}.{suffix}", path.display()));
            let fresh = std::fs::metadata(&target)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= modified);
            Ok((!fresh).then_some(target))
        };
        if let Some(target) = stale("br")? {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut source.as_slice(), &mut out, &params)?;
            write_atomically(&target, &out)?;
            done += 1;
        }
        if let Some(target) = stale("gz")? {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(&source)?;
            write_atomically(&target, &encoder.finish()?)?;
        }
    }
    Ok(done)
}

fn files_under(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}

/// A reader never sees half a file: write beside it, then rename over.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = PathBuf::from(format!("{}.tmp", target.display()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_text_assets_once_and_leaves_images_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        std::fs::write(
            dir.path().join("pkg/portal.js"),
            "export function hydrate() {}\n".repeat(100),
        )
        .unwrap();
        std::fs::write(dir.path().join("photo.png"), [0u8; 64]).unwrap();
        assert_eq!(precompress(dir.path()).unwrap(), 1);
        assert!(dir.path().join("pkg/portal.js.br").exists());
        assert!(dir.path().join("pkg/portal.js.gz").exists());
        assert!(!dir.path().join("photo.png.br").exists());
        assert_eq!(
            precompress(dir.path()).unwrap(),
            0,
            "up-to-date files are not compressed again"
        );
    }
}

//! Reads the handbook's content files at start. A problem in any file stops the server with the
//! file and field named, rather than serving part of the handbook.

use std::path::{Path, PathBuf};

use handbook::{ContentError, ContentFiles, Handbook};

#[derive(Debug, thiserror::Error)]
pub enum ContentLoadError {
    #[error("cannot read the handbook content at {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(#[from] ContentError),
    #[error("{path}: {source}")]
    Windows {
        path: PathBuf,
        source: handbook::WindowsError,
    },
}

fn read(dir: &Path, name: &str) -> Result<(String, String), ContentLoadError> {
    let path = dir.join(name);
    std::fs::read_to_string(&path)
        .map(|text| (path.display().to_string(), text))
        .map_err(|source| ContentLoadError::Read { path, source })
}

/// Loads `categories.toml`, `departments.toml`, `life_situations.toml` and `policies/*.toml`.
pub fn load_handbook(dir: &Path) -> Result<Handbook, ContentLoadError> {
    let policies_dir = dir.join("policies");
    let entries = std::fs::read_dir(&policies_dir).map_err(|source| ContentLoadError::Read {
        path: policies_dir.clone(),
        source,
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ContentLoadError::Read {
            path: policies_dir.clone(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") {
            names.push(name);
        }
    }
    names.sort();
    let files = ContentFiles {
        categories: read(dir, "categories.toml")?,
        departments: read(dir, "departments.toml")?,
        life_situations: read(dir, "life_situations.toml")?,
        policies: names
            .iter()
            .map(|name| read(dir, &format!("policies/{name}")))
            .collect::<Result<_, _>>()?,
    };
    Ok(Handbook::from_files(&files)?)
}

/// Loads `windows.toml`: the township and village service windows, checked against the
/// handbook's departments (the services each window handles).
pub fn load_windows(
    dir: &Path,
    handbook: &Handbook,
) -> Result<handbook::Windows, ContentLoadError> {
    let (path, text) = read(dir, "windows.toml")?;
    handbook::read_windows(&text, &handbook.departments).map_err(|source| {
        ContentLoadError::Windows {
            path: PathBuf::from(path),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_named() {
        let error = load_handbook(Path::new("/no/such/content"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("/no/such/content/policies"), "{error}");
    }

    #[test]
    fn a_broken_file_is_named_with_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        std::fs::create_dir(dir.path().join("policies")).unwrap();
        for name in [
            "categories.toml",
            "departments.toml",
            "life_situations.toml",
            "policies/dibao.toml",
        ] {
            std::fs::copy(source.join(name), dir.path().join(name)).unwrap();
        }
        let dibao = dir.path().join("policies/dibao.toml");
        let text = std::fs::read_to_string(&dibao)
            .unwrap()
            .replace("category = \"basic_living\"", "category = \"\"");
        std::fs::write(&dibao, text).unwrap();
        let error = load_handbook(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("policies/dibao.toml: category: unknown category"),
            "{error}"
        );
    }
}

//! The handbook in the repository loads, and bad content is refused with its file and field.

use handbook::{ContentFiles, Handbook, PolicyQuery};

fn read(path: &str) -> (String, String) {
    let full = format!("{}/../content/{path}", env!("CARGO_MANIFEST_DIR"));
    (
        path.to_owned(),
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}")),
    )
}

fn repository_content() -> ContentFiles {
    let dir = format!("{}/../content/policies", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    ContentFiles {
        categories: read("categories.toml"),
        departments: read("departments.toml"),
        life_situations: read("life_situations.toml"),
        policies: names
            .iter()
            .map(|n| read(&format!("policies/{n}")))
            .collect(),
    }
}

#[test]
fn the_handbook_has_38_policies_from_14_departments_in_5_categories() {
    let handbook = Handbook::from_files(&repository_content()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(handbook.policies.len(), 38);
    assert_eq!(handbook.categories.len(), 5);
    assert_eq!(handbook.departments.len(), 14);
    for department in &handbook.departments {
        assert!(
            handbook
                .policies
                .iter()
                .any(|p| p.department == department.id),
            "{} has no policy",
            department.id
        );
    }
    let dibao = handbook.policy("dibao").unwrap();
    assert_eq!(dibao.programmes, vec![rules::ProgrammeId::Dibao]);
    assert!(!dibao.text.en.documents.is_empty());
}

#[test]
fn bad_content_is_refused_naming_file_and_field() {
    let mut files = repository_content();
    let (_, dibao) = files
        .policies
        .iter_mut()
        .find(|(n, _)| n.ends_with("/dibao.toml"))
        .unwrap();
    *dibao = dibao
        .replace(
            "department = \"civil_affairs\"",
            "department = \"no_such_department\"",
        )
        .replacen("who = ", "who_ = ", 1);
    let duplicate = files.policies[0].clone();
    files.policies.push(duplicate);
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(error.contains("policies/dibao.toml"), "{error}");
    assert!(error.contains("who"), "a misspelt field is named: {error}");
    assert!(error.contains("is used by another policy"), "{error}");

    let mut files = repository_content();
    let (_, tekun) = files
        .policies
        .iter_mut()
        .find(|(n, _)| n.ends_with("/tekun-support.toml"))
        .unwrap();
    *tekun = tekun.replace(
        "department = \"civil_affairs\"",
        "department = \"no_such_department\"",
    );
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains(
            "policies/tekun-support.toml: department: unknown department \"no_such_department\""
        ),
        "{error}"
    );
}

#[test]
fn search_finds_chinese_substrings_and_english_words_best_first() {
    let handbook = Handbook::from_files(&repository_content()).unwrap();
    let query = |text: &str| PolicyQuery {
        text: text.into(),
        ..PolicyQuery::default()
    };

    let medical = handbook.search(&query("医疗"));
    assert!(
        !medical.is_empty() && medical.len() < 38,
        "医疗 narrows the list: {}",
        medical.len()
    );
    assert!(
        medical[0].policy.text.zh.title.contains("医疗"),
        "a title match ranks first: {}",
        medical[0].policy.slug
    );

    let english = handbook.search(&query("MEDICAL assistance"));
    assert!(english
        .iter()
        .any(|hit| hit.policy.slug == "medical-assistance"));

    assert!(handbook.search(&query("低保 特困")).iter().all(|hit| {
        let all = format!("{:?}", hit.policy.text);
        all.contains("低保") && all.contains("特困")
    }));
    assert!(handbook.search(&query("量子计算机")).is_empty());

    let filtered = handbook.search(&PolicyQuery {
        category: Some("emergency".into()),
        ..PolicyQuery::default()
    });
    assert!(!filtered.is_empty() && filtered.iter().all(|h| h.policy.category == "emergency"));
    let situation = handbook.search(&PolicyQuery {
        situation: Some("disability".into()),
        ..PolicyQuery::default()
    });
    assert!(situation
        .iter()
        .any(|h| h.policy.slug == "disability-two-subsidies"));
}

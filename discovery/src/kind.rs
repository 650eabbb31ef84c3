//! The kinds of department file discovery reads, each with its published specification.

use std::sync::OnceLock;

use crate::spec::FileSpec;

rules::wire_enum! {
    /// A kind of department file (one published specification each, `discovery/files/<id>.json`).
    Kind {
        HouseholdRegister = "household_register",
        Deaths = "deaths",
        Disability = "disability",
        SeriousIllness = "serious_illness",
        MedicalCosts = "medical_costs",
        Unemployment = "unemployment",
        Pensions = "pensions",
        Wages = "wages",
        Vehicles = "vehicles",
        RealEstate = "real_estate",
        Business = "business",
        Students = "students",
        RuralMonitoring = "rural_monitoring",
    }
}

const SPECS: [&str; 13] = [
    include_str!("../files/household_register.json"),
    include_str!("../files/deaths.json"),
    include_str!("../files/disability.json"),
    include_str!("../files/serious_illness.json"),
    include_str!("../files/medical_costs.json"),
    include_str!("../files/unemployment.json"),
    include_str!("../files/pensions.json"),
    include_str!("../files/wages.json"),
    include_str!("../files/vehicles.json"),
    include_str!("../files/real_estate.json"),
    include_str!("../files/business.json"),
    include_str!("../files/students.json"),
    include_str!("../files/rural_monitoring.json"),
];

impl Kind {
    /// The kind's position in [`Kind::ALL`], also its bit in a set of kinds ([`KindSet`]).
    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    /// The published specification of this kind of file.
    pub fn spec(self) -> &'static FileSpec {
        static PARSED: OnceLock<Vec<FileSpec>> = OnceLock::new();
        let specs = PARSED.get_or_init(|| {
            SPECS
                .iter()
                .map(|text| {
                    FileSpec::parse(text).unwrap_or_else(|e| {
                        unreachable!("the embedded specifications are checked by a test: {e}")
                    })
                })
                .collect()
        });
        &specs[self.index()]
    }

    /// The published specification's text, as departments download it.
    pub fn spec_text(self) -> &'static str {
        SPECS[self.index()]
    }
}

/// A set of kinds, as a bit per kind: which files a candidate's evidence came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindSet(pub u32);

impl KindSet {
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= 1 << kind.index();
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind.index()) != 0
    }

    pub fn kinds(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.iter().copied().filter(move |k| self.contains(*k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_specification_reads_and_names_its_kind() {
        for kind in Kind::ALL {
            let spec = FileSpec::parse(SPECS[kind.index()]).expect("the specification reads");
            assert_eq!(spec.name, kind.as_str());
            assert_eq!(kind.spec().name, kind.as_str());
            let names: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(&names[..2], ["record_id", "id_number"], "{kind}");
        }
    }

    #[test]
    fn a_set_of_kinds_holds_each_kind_once() {
        let mut set = KindSet::default();
        set.insert(Kind::Disability);
        set.insert(Kind::MedicalCosts);
        set.insert(Kind::Disability);
        assert_eq!(
            set.kinds().collect::<Vec<_>>(),
            [Kind::Disability, Kind::MedicalCosts]
        );
        assert!(!set.contains(Kind::Wages));
    }
}

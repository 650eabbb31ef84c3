//! Deterministic generated households for the benchmark and the throughput example.

use rules::{
    Area, DisabilityKind, Emergency, EmergencyKind, Fen, Household, IncomeKind, Member, SelfCare,
    Urgency,
};

/// xorshift64*: small, deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A mix of households around the income and asset lines: 1–6 members, mostly poor or near-poor.
pub fn household(rng: &mut Rng) -> Household {
    let size = 1 + rng.below(6) as usize;
    let mut members = Vec::with_capacity(size);
    for _ in 0..size {
        let age = rng.below(95) as u8;
        let mut m = Member::new(age);
        if rng.chance(15) {
            let kinds = DisabilityKind::ALL;
            let kind = kinds.get(rng.below(kinds.len() as u64) as usize).copied();
            m.disability_grade = Some(1 + rng.below(4) as u8);
            m.disability_kind = kind;
        }
        m.serious_illness = rng.chance(10);
        m.can_work = (16..60).contains(&age) && rng.chance(70);
        m.employed = m.can_work && rng.chance(50);
        m.student = (6..23).contains(&age) && rng.chance(80);
        m.has_able_supporter = rng.chance(40);
        m.self_care = match rng.below(3) {
            0 => SelfCare::Full,
            1 => SelfCare::Partial,
            _ => SelfCare::Unable,
        };
        for _ in 0..rng.below(3) {
            let kinds = IncomeKind::ALL;
            if let Some(&kind) = kinds.get(rng.below(kinds.len() as u64) as usize) {
                m.incomes.push(rules::Income {
                    kind,
                    monthly: Fen(rng.below(150_000) as i64),
                });
            }
        }
        members.push(m);
    }
    let mut h = Household::new(
        if rng.chance(50) {
            Area::Urban
        } else {
            Area::Rural
        },
        members,
    );
    h.financial_assets = Fen(rng.below(size as u64 * 4_000_000) as i64);
    h.vehicles_value = Fen(if rng.chance(80) {
        0
    } else {
        rng.below(5_000_000) as i64
    });
    h.houses_owned = rng.below(3) as u32;
    h.rigid_expenses_12m = Fen(if rng.chance(60) {
        0
    } else {
        rng.below(10_000_000) as i64
    });
    h.housing_difficulty = rng.chance(10);
    h.special_hardship = rng.chance(5);
    if rng.chance(5) {
        h.emergency = Some(Emergency {
            kind: EmergencyKind::Fire,
            urgency: if rng.chance(50) {
                Urgency::Critical
            } else {
                Urgency::Urgent
            },
        });
    }
    h
}

/// `count` households from a fixed seed.
pub fn households(count: usize) -> Vec<Household> {
    let mut rng = Rng::new(0x4A53_4A00_2026);
    (0..count).map(|_| household(&mut rng)).collect()
}

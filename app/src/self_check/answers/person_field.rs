//! Names of the yes/no and choice questions about one person.

pub const AGE: &str = "age";
pub const GRADE: &str = "disability_grade";
pub const KIND: &str = "disability_kind";
pub const SELF_CARE: &str = "self_care";
pub const SERIOUS_ILLNESS: &str = "serious_illness";
pub const STUDENT: &str = "student";
pub const CAN_WORK: &str = "can_work";
pub const EMPLOYED: &str = "employed";
pub const SUPPORTER: &str = "has_able_supporter";
/// The ticked-box questions, in the order the page asks them.
pub const TICKS: [&str; 5] = [SERIOUS_ILLNESS, STUDENT, CAN_WORK, EMPLOYED, SUPPORTER];

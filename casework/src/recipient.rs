//! A recipient household's life after the decision: its state, what a person decides on a
//! re-verification warning, and the kinds of payment in its ledger.

rules::wire_enum! {
    /// Whether a recipient is paid.
    RecipientState {
        Active = "active",
        /// Paid again when a person lifts the suspension.
        Suspended = "suspended",
        Stopped = "stopped",
    }
}

rules::wire_enum! {
    /// A person's decision on a re-verification warning. Every one needs a written reason and is
    /// told to the resident with the way to object.
    Decision {
        /// Nothing changes: the data were wrong or the change does not matter.
        Continue = "continue",
        /// Paid on, at another monthly amount.
        Adjust = "adjust",
        /// Not paid until a person decides again.
        Suspend = "suspend",
        Stop = "stop",
    }
}

impl Decision {
    /// The state a decision leaves the recipient in.
    pub fn state_after(self) -> RecipientState {
        match self {
            Decision::Continue | Decision::Adjust => RecipientState::Active,
            Decision::Suspend => RecipientState::Suspended,
            Decision::Stop => RecipientState::Stopped,
        }
    }
}

rules::wire_enum! {
    /// What a row of the payments ledger is.
    PaymentKind {
        /// The programme's monthly amount.
        Regular = "regular",
        /// 价格临时补贴: paid in a month the price indices triggered it.
        PriceSubsidy = "price_subsidy",
        /// 先行救助 given on the case.
        Advance = "advance",
    }
}

/// Months from a decision or a renewal to the next review (a sample: the bureau's rule sets it).
pub const REVIEW_MONTHS: u8 = 12;

/// The day `months` after `day` (the month's last day when it has fewer days).
pub fn months_after(day: time::Date, months: u8) -> time::Date {
    let total = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + i32::from(months);
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let Ok(month) = time::Month::try_from(month as u8) else {
        return day;
    };
    let last = month.length(year);
    time::Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_review_falls_on_the_same_day_months_later_or_the_months_last() {
        assert_eq!(
            months_after(date!(2026 - 12 - 07), 12),
            date!(2027 - 12 - 07)
        );
        assert_eq!(
            months_after(date!(2026 - 01 - 31), 1),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            months_after(date!(2026 - 11 - 15), 2),
            date!(2027 - 01 - 15)
        );
    }

    #[test]
    fn only_suspend_and_stop_stop_the_payments() {
        assert_eq!(Decision::Adjust.state_after(), RecipientState::Active);
        assert_eq!(Decision::Suspend.state_after(), RecipientState::Suspended);
        assert_eq!(Decision::Stop.state_after(), RecipientState::Stopped);
    }
}

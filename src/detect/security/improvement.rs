//! Improvements: a change that moves an insecure numeric setting toward
//! safe (an access token's lifetime from 8 days to 2) is a warning that says
//! so, not a block. Only for rules that say which way is safe (`better`).

use crate::finding::{Finding, Severity};

use super::{unquote, Judged, SecurityScanner};

/// Which way a rule's value moves toward safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Lower,
    Higher,
}

impl Direction {
    pub fn parse(name: &str) -> Option<Direction> {
        match name {
            "lower" => Some(Direction::Lower),
            "higher" => Some(Direction::Higher),
            _ => None,
        }
    }
}

/// A value reduced to a number: a plain number or product/sum of numbers
/// (`60 * 24 * 8`), or a `timedelta(...)` in seconds. The two are never
/// compared with each other.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Magnitude {
    Number(f64),
    Seconds(f64),
}

/// `found` (a finding of the new text) as a warning when its setting was
/// insecure before under the same name and the change moves it toward safe,
/// beyond the safest value the old text had under that name: a second,
/// worse copy of the setting cannot ride on the first's improvement.
pub(super) fn judge(scanner: &SecurityScanner, found: Judged, before: &[Judged]) -> Finding {
    let mut finding = found.finding;
    let (Some((name, value)), Some(direction)) = (&found.setting, scanner.rules[found.rule].better)
    else {
        return finding;
    };
    let Some(new) = magnitude(value) else {
        return finding;
    };
    let old: Vec<(Magnitude, &str)> = before
        .iter()
        .filter(|b| b.rule == found.rule)
        .filter_map(|b| b.setting.as_ref())
        .filter(|(n, _)| n == name)
        .filter_map(|(_, v)| magnitude(v).map(|m| (m, v.as_str())))
        .collect();
    let Some((safest, shown)) = safest(&old, direction) else {
        return finding;
    };
    if !closer_to_safe(new, safest, direction) {
        return finding;
    }
    let r = &scanner.rules[found.rule].rule;
    finding.severity = Severity::Warning;
    finding.message = format!(
        "{name} = {} — better than before ({}), still an insecure {} security-setting: {}",
        super::collapse(value),
        super::collapse(shown),
        r.category,
        r.description
    );
    finding
}

/// The old value nearest to safe, when all old values are of one kind.
fn safest<'v>(old: &[(Magnitude, &'v str)], direction: Direction) -> Option<(Magnitude, &'v str)> {
    let first = *old.first()?;
    let mut best = first;
    for &(m, shown) in &old[1..] {
        if std::mem::discriminant(&m) != std::mem::discriminant(&first.0) {
            return None;
        }
        if closer_to_safe(m, best.0, direction) {
            best = (m, shown);
        }
    }
    Some(best)
}

fn closer_to_safe(new: Magnitude, old: Magnitude, direction: Direction) -> bool {
    let (n, o) = match (new, old) {
        (Magnitude::Number(n), Magnitude::Number(o)) => (n, o),
        (Magnitude::Seconds(n), Magnitude::Seconds(o)) => (n, o),
        _ => return false,
    };
    match direction {
        Direction::Lower => n < o,
        Direction::Higher => n > o,
    }
}

fn magnitude(value: &str) -> Option<Magnitude> {
    let value = unquote(value).trim();
    if let Some(args) = value
        .rsplit_once("timedelta(")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
    {
        return timedelta_seconds(args).map(Magnitude::Seconds);
    }
    arithmetic(value).map(Magnitude::Number)
}

/// `days=2, hours=1` in seconds; `None` for anything but keyword numbers.
fn timedelta_seconds(args: &str) -> Option<f64> {
    let mut total = 0.0;
    for arg in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let (unit, amount) = arg.split_once('=')?;
        let scale = match unit.trim() {
            "weeks" => 604_800.0,
            "days" => 86_400.0,
            "hours" => 3_600.0,
            "minutes" => 60.0,
            "seconds" => 1.0,
            _ => return None,
        };
        total += scale * arithmetic(amount)?;
    }
    Some(total)
}

/// Sums of products of plain numbers (`60 * 24 * 8`, `1_440`).
fn arithmetic(expr: &str) -> Option<f64> {
    let expr = expr.trim();
    let expr = expr
        .strip_prefix('(')
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(expr);
    let mut sum = 0.0;
    for term in expr.split('+') {
        let mut product = 1.0;
        for factor in term.split('*') {
            let factor = factor.trim().replace('_', "");
            if factor.is_empty() {
                return None;
            }
            product *= factor.parse::<f64>().ok()?;
        }
        sum += product;
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_reduce_to_magnitudes() {
        assert_eq!(magnitude("60 * 24 * 8"), Some(Magnitude::Number(11520.0)));
        assert_eq!(magnitude("\"11_520\""), Some(Magnitude::Number(11520.0)));
        assert_eq!(
            magnitude("timedelta(days=2, hours=1)"),
            Some(Magnitude::Seconds(176_400.0))
        );
        assert_eq!(magnitude("False"), None);
        assert_eq!(magnitude("settings.X * 2"), None);
        assert_eq!(magnitude("timedelta(days=n)"), None);
    }
}

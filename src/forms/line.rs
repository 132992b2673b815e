//! One line of a form block: `ID: Label` or `ID [flags]: Label` (see
//! [`crate::forms`]), read with the place of whatever is wrong in it.

use std::ops::Range;

/// The flags a line may carry between its id and the colon.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flags {
    /// A date field.
    pub date: bool,
    /// A check box.
    pub check: bool,
    /// The form is not valid without it (PDF `Required`, HTML `required`).
    pub required: bool,
    /// A free-text answer of several lines.
    pub multiline: bool,
}

impl Flags {
    /// The flags as written, in a fixed order (`required multiline`).
    pub fn words(self) -> Vec<&'static str> {
        [
            (self.date, "date"),
            (self.check, "check"),
            (self.required, "required"),
            (self.multiline, "multiline"),
        ]
        .into_iter()
        .filter_map(|(on, w)| on.then_some(w))
        .collect()
    }
}

/// The flags a ```` ```fields ```` line may carry.
pub const FIELD_FLAGS: [&str; 4] = ["date", "check", "required", "multiline"];

/// One line of a form block, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// The id (`recipient`) or signer key (`client`).
    pub id: &'a str,
    /// Its flags.
    pub flags: Flags,
    /// The label or role, as a reader sees it.
    pub label: &'a str,
}

/// Why a line of a form block is not `ID: Label`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub hint: String,
    /// The bytes of the line it points at.
    pub at: Range<usize>,
}

/// Whether `s` is a field id: `[a-z][a-z0-9-]*`, at most 40 characters,
/// not ending in `-`.
pub fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && b[0].is_ascii_lowercase()
        && !s.ends_with('-')
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Reads one line of a form block (`signer`: of a ```` ```signatures ````
/// block). Leading and trailing white space are ignored.
pub fn parse_line(line: &str, signer: bool) -> Result<Line<'_>, LineError> {
    let (id, flags, rest) = parse_head(line, signer)?;
    let label = line[rest..].trim();
    if label.is_empty() {
        let lead = line.len() - line.trim_start().len();
        let what = if signer { "signer" } else { "field" };
        return Err(LineError {
            message: format!("{what} `{id}` has no label after the colon"),
            hint: "write the label a reader sees after the colon".into(),
            at: lead..lead + id.len(),
        });
    }
    Ok(Line { id, flags, label })
}

/// Reads the start of a line, `ID [flags]:`; returns the id, the flags and
/// where the label starts.
pub fn parse_head(line: &str, signer: bool) -> Result<(&str, Flags, usize), LineError> {
    let lead = line.len() - line.trim_start().len();
    let what = if signer { "signer" } else { "field" };
    let example = if signer { "`client: Client`" } else { "`phone: Phone number`" };
    let err = |message: String, at: Range<usize>| LineError {
        message,
        hint: format!(
            "write each line as `ID: Label`, e.g. {example}; an id is lower-case ASCII letters, \
             digits and `-`, starting with a letter, and stays the same in every language"
        ),
        at,
    };
    let Some(colon) = line.find(':') else {
        return Err(err(
            format!("`{}` has no {what} id", line.trim()),
            lead..line.trim_end().len().max(lead),
        ));
    };
    let head = &line[..colon];
    let (id_part, flags_part) = match head.find('[') {
        Some(open) => (&head[..open], Some(open)),
        None => (head, None),
    };
    let id = id_part.trim();
    let id_at = lead..lead + id.len();
    if !is_id(id) {
        let message = if id.is_empty() || id.contains(' ') || id.chars().any(char::is_uppercase) {
            format!("`{}` has no {what} id", line.trim())
        } else {
            format!("`{id}` is not a {what} id")
        };
        return Err(err(message, id_at));
    }
    let flags =
        match flags_part {
            Some(open) => parse_flags(id, &head[open..], signer).map_err(|(m, h, at)| {
                LineError { message: m, hint: h, at: open + at.start..open + at.end }
            })?,
            None => Flags::default(),
        };
    Ok((id, flags, colon + 1))
}

/// Reads `[flags]` (the text from `[` to before the colon).
fn parse_flags(
    id: &str,
    text: &str,
    signer: bool,
) -> Result<Flags, (String, String, Range<usize>)> {
    let what = if signer { "signer" } else { "field" };
    let known = if signer { "required".to_string() } else { FIELD_FLAGS.join(", ") };
    let hint = format!("the flags of a {what} are: {known}, between `[` and `]`");
    let whole = 0..text.len();
    let Some(close) = text.find(']') else {
        return Err((format!("the flags of `{id}` have no closing `]`"), hint, whole));
    };
    if !text[close + 1..].trim().is_empty() {
        return Err((format!("text after the flags of `{id}`"), hint, whole));
    }
    let mut flags = Flags::default();
    let mut at = 1;
    for word in text[1..close].split(' ') {
        let here = at..at + word.len();
        at += word.len() + 1;
        match word {
            "" => {}
            "required" => flags.required = true,
            "date" if !signer => flags.date = true,
            "check" if !signer => flags.check = true,
            "multiline" if !signer => flags.multiline = true,
            other => return Err((format!("`{other}` is not a flag of a {what}"), hint, here)),
        }
    }
    if [flags.date, flags.check, flags.multiline].iter().filter(|f| **f).count() > 1 {
        let hint = "a field is a date, a check box or a free-text answer, only one of them";
        return Err((
            format!("`{id}` has more than one of date, check and multiline"),
            hint.into(),
            whole,
        ));
    }
    if flags.check && flags.required {
        let hint = "a required check box could only ever be ticked; say it in the text instead";
        return Err((format!("check box `{id}` is marked required"), hint.into(), whole));
    }
    Ok(flags)
}

/// The label of a line as a reader sees it: after the id and flags, or the
/// whole line when it has none (an error reported elsewhere).
pub fn label_of(line: &str) -> &str {
    parse_line(line, false).or_else(|_| parse_line(line, true)).map_or(line.trim(), |l| l.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_have_ids_flags_and_labels() {
        let l = parse_line("recipient [required multiline]: Who will get it: a person", false);
        assert_eq!(
            l.unwrap(),
            Line {
                id: "recipient",
                flags: Flags { required: true, multiline: true, ..Flags::default() },
                label: "Who will get it: a person",
            }
        );
        let l = parse_line("at-my-request [check]: At my request: I asked", false).unwrap();
        assert!(l.flags.check && l.label == "At my request: I asked");
        assert_eq!(parse_line(" client:Client ", true).unwrap().label, "Client");
        let l = parse_line("client [required]: Client", true).unwrap();
        assert!(l.flags.required);
    }

    #[test]
    fn bad_lines_say_what_is_wrong_and_where() {
        let cases: [(&str, bool, &str, Range<usize>); 8] = [
            ("Phone number", false, "`Phone number` has no field id", 0..12),
            ("At my request: I asked", false, "has no field id", 0..13),
            ("Phone: Phone", false, "`Phone: Phone` has no field id", 0..5),
            ("2nd: Second", false, "`2nd` is not a field id", 0..3),
            ("phone [dat]: Phone", false, "`dat` is not a flag of a field", 7..10),
            ("client [date]: Client", true, "`date` is not a flag of a signer", 8..12),
            ("x [date check]: X", false, "more than one of", 2..14),
            ("phone:", false, "has no label", 0..5),
        ];
        for (line, signer, says, at) in cases {
            let e = parse_line(line, signer).unwrap_err();
            assert!(e.message.contains(says), "{line}: {}", e.message);
            assert_eq!(e.at, at, "{line}");
        }
        assert!(parse_line("x [required check]: X", false).is_err());
        assert!(parse_line("x [required: X", false).is_err());
    }

    #[test]
    fn ids_are_ascii_and_short() {
        for ok in ["a", "date-of-birth", "q2", "young-person"] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "A", "año", "2a", "a.b", "a_b", "a-", &"a".repeat(41)] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn labels_of_lines() {
        assert_eq!(
            label_of("voicemail [check]: May we leave a voicemail?"),
            "May we leave a voicemail?"
        );
        assert_eq!(label_of("Old style"), "Old style");
    }
}

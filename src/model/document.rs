//! The documents: the bundled ones, each with what it needs before a state
//! gets it declared once here ([`Doc`]), and the id type every document,
//! bundled or a practice's own, goes by ([`DocId`]).

/// A bundled document, in packet order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Doc {
    /// About you: contact details, messages, emergency contact.
    ClientInformation,
    /// Consent to treatment and practice policies.
    Consent,
    /// The state's limits of confidentiality.
    Confidentiality,
    /// Consent to telehealth.
    Telehealth,
    /// Therapy with a young person.
    Minors,
    /// HIPAA notice of privacy practices.
    PrivacyNotice,
    /// Receipt of the notice.
    PrivacyAcknowledgment,
    /// Permission to share information (45 C.F.R. § 164.508).
    Authorization,
    /// Permission to share psychotherapy notes.
    NotesAuthorization,
    /// The right to a Good Faith Estimate (No Surprises Act).
    GoodFaithEstimate,
    /// A clinician's professional disclosure statement.
    Disclosure,
}

/// What a bundled document needs before a state gets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Nothing: every state gets it when the practice lists it.
    Nothing,
    /// The practice offers telehealth in that state.
    Telehealth,
    /// The practice sees clients under 18.
    Minors,
    /// The practice takes self-pay clients (then it is built unasked).
    SelfPay,
    /// It names one clinician: it is built per clinician, never practice-wide.
    Clinician,
}

impl Doc {
    /// Every bundled document, in the order a packet lists them.
    pub const ALL: [Doc; 11] = [
        Doc::ClientInformation,
        Doc::Consent,
        Doc::Confidentiality,
        Doc::Telehealth,
        Doc::Minors,
        Doc::PrivacyNotice,
        Doc::PrivacyAcknowledgment,
        Doc::Authorization,
        Doc::NotesAuthorization,
        Doc::GoodFaithEstimate,
        Doc::Disclosure,
    ];

    /// Its id: the template's name without `.md`, and its outputs' name.
    pub const fn id(self) -> &'static str {
        match self {
            Doc::ClientInformation => "client-information",
            Doc::Consent => "consent",
            Doc::Confidentiality => "confidentiality",
            Doc::Telehealth => "telehealth",
            Doc::Minors => "minors",
            Doc::PrivacyNotice => "privacy-notice",
            Doc::PrivacyAcknowledgment => "privacy-acknowledgment",
            Doc::Authorization => "authorization",
            Doc::NotesAuthorization => "notes-authorization",
            Doc::GoodFaithEstimate => "good-faith-estimate",
            Doc::Disclosure => "disclosure",
        }
    }

    /// The bundled document with this id.
    pub fn parse(id: &str) -> Option<Doc> {
        Doc::ALL.into_iter().find(|d| d.id() == id)
    }

    /// What it needs before a state gets it.
    pub fn need(self) -> Need {
        match self {
            Doc::Telehealth => Need::Telehealth,
            Doc::Minors => Need::Minors,
            Doc::GoodFaithEstimate => Need::SelfPay,
            Doc::Disclosure => Need::Clinician,
            _ => Need::Nothing,
        }
    }

    /// A release of information: signed for one recipient and purpose, so
    /// it stands alone and is not in a packet unless the practice puts it
    /// there (45 C.F.R. § 164.508(b)(2): a blank core element makes it
    /// defective, so no client gets one to sign blank with their intake).
    pub fn release(self) -> bool {
        matches!(self, Doc::Authorization | Doc::NotesAuthorization)
    }

    /// It is about one person's own information: a couple's packet has one
    /// for each partner.
    pub fn per_person(self) -> bool {
        matches!(self, Doc::ClientInformation | Doc::PrivacyAcknowledgment)
    }
}

/// The ids of the bundled documents, in packet order.
pub const DOCUMENTS: [&str; 11] = [
    Doc::ClientInformation.id(),
    Doc::Consent.id(),
    Doc::Confidentiality.id(),
    Doc::Telehealth.id(),
    Doc::Minors.id(),
    Doc::PrivacyNotice.id(),
    Doc::PrivacyAcknowledgment.id(),
    Doc::Authorization.id(),
    Doc::NotesAuthorization.id(),
    Doc::GoodFaithEstimate.id(),
    Doc::Disclosure.id(),
];

/// Why a name is not a document id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadId {
    /// Empty, or longer than 40 characters.
    Length,
    /// A character other than `a`-`z`, `0`-`9` and `-`, or not starting
    /// with a letter: ids are file names on every system, where `Consent`
    /// and `consent` may be one file.
    Characters,
}

/// A document id: lower-case ASCII letters, digits and `-`, starting with a
/// letter, at most 40 characters. So two ids never name one file on a
/// system that ignores case (macOS, Windows), and every output path is
/// portable.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(String);

impl DocId {
    /// Checks an id.
    pub fn parse(id: &str) -> Result<DocId, BadId> {
        if id.is_empty() || id.len() > 40 {
            return Err(BadId::Length);
        }
        let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok { Ok(DocId(id.to_string())) } else { Err(BadId::Characters) }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bundled document it is, if any.
    pub fn bundled(&self) -> Option<Doc> {
        Doc::parse(&self.0)
    }
}

impl std::fmt::Display for DocId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_portable_file_names() {
        assert!(DocId::parse("consent").is_ok());
        assert!(DocId::parse("intake-2").is_ok());
        assert_eq!(DocId::parse("Consent"), Err(BadId::Characters), "upper case");
        assert_eq!(DocId::parse("2consent"), Err(BadId::Characters));
        assert_eq!(DocId::parse("con sent"), Err(BadId::Characters));
        assert_eq!(DocId::parse(""), Err(BadId::Length));
        assert_eq!(DocId::parse(&"a".repeat(41)), Err(BadId::Length));
    }

    #[test]
    fn every_bundled_id_parses_and_round_trips() {
        for d in Doc::ALL {
            assert_eq!(Doc::parse(d.id()), Some(d));
            assert_eq!(DocId::parse(d.id()).unwrap().bundled(), Some(d));
        }
        assert_eq!(DOCUMENTS.len(), Doc::ALL.len());
    }
}

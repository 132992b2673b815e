//! What kind of source a cited URL is: **official** (a legislature, code
//! reviser, secretary of state, court, or state or federal agency, including
//! a licensing board's own site, and official bodies' own repositories such
//! as the D.C. Council's on GitHub), a **published-text** host (verbatim code
//! text with a currency date: Justia, Casetext, FindLaw, Cornell LII,
//! public.law), a **recognised secondary** reference (NCSL; CCHP; professional
//! associations; JAAPL: context only), or **blocked** (homework, exam-prep,
//! survey, AI-summary and content-farm sites, file-sharing mirrors, staging
//! hosts, other practices' pages, bill trackers). A version's `evidence`
//! level must be backed by a URL of its kind (see `load::jurisdiction`); no
//! rule may cite a blocked host. `jurisdictions/README.md` states the same
//! policy.

/// Hosts of official bodies that are not on `.gov` or a state's `.us`
/// domain, each with whose site it is.
const OFFICIAL: &[&str] = &[
    "ksrevisor.org",             // Kansas Office of Revisor of Statutes
    "kslegislature.org",         // Kansas Legislature
    "oscn.net",                  // Oklahoma State Courts Network (official statutes)
    "nmonesource.com",           // New Mexico Compilation Commission
    "mainelegislature.org",      // Maine Legislature
    "mtrules.org",               // Administrative Rules of Montana (Secretary of State)
    "azbbhe.us",                 // Arizona Board of Behavioral Health Examiners
    "bomex.org",                 // Arizona Medical Board (former site)
    "code.dccouncil.us",         // Council of the District of Columbia (former domain)
    "labswe.org",                // Louisiana State Board of Social Work Examiners
    "lpcboard.org",              // Louisiana LPC Board of Examiners
    "ncblcmhc.org",              // N.C. Board of Licensed Clinical Mental Health Counselors
    "ncblpc.org",                // the same board's former site
    "ncleg.net",                 // N.C. General Assembly (former domain)
    "nclmft.org",                // N.C. Marriage and Family Therapy Licensure Board
    "ncmedboard.org",            // N.C. Medical Board
    "ncpsychologyboard.info",    // N.C. Psychology Board
    "ncpsychologyboard.org",     // N.C. Psychology Board (former site)
    "ncswboard.org",             // N.C. Social Work Certification and Licensure Board
    "ndbswe.com",                // N.D. Board of Social Work Examiners
    "ndmftlb.org",               // N.D. Marriage and Family Therapy Licensure Board
    "ndsbpe.org",                // N.D. State Board of Psychologist Examiners
    "ssa.ocgov.com",             // Orange County (Calif.) Social Services Agency
    "probate.co.delaware.oh.us", // Delaware County (Ohio) Probate Court
    "co.lincoln.or.us",          // Lincoln County (Oregon) government
    "jeffersoncys.org",          // Jefferson County (Ohio) children and youth services agency
    "countyofindiana.org",       // County of Indiana (Pennsylvania) government
    "wvbec.org",                 // West Virginia Board of Examiners in Counseling
    "wvdhhr.org",                // W. Va. Dept. of Health and Human Resources (former domain)
    "albme.gov",                 // Alabama Board of Medical Examiners
    "albme.org",                 // Alabama Board of Medical Examiners (former domain)
    "armedicalboard.org",        // Arkansas State Medical Board
    "ncbmft.org",                // N.C. Marriage and Family Therapy Licensure Board (current site)
    "ndbom.org",                 // North Dakota Board of Medicine
    "lsbep.org",                 // Louisiana State Board of Examiners of Psychologists
    "okmedicalboard.org",        // Oklahoma State Board of Medical Licensure and Supervision
    "pacode.com", // The Pennsylvania Code, published for the Legislative Reference Bureau
];

/// Official bodies' own repositories on code hosts: `host/owner/`, each with
/// whose it is. The owner is compared without regard to case.
const OFFICIAL_REPOSITORIES: &[&str] = &[
    "github.com/dccouncil/", // Council of the District of Columbia (the D.C. Code as XML)
];

/// Hosts of verbatim statute and regulation text that give the date their
/// copy is current through: `published-text` evidence.
const PUBLISHED: &[&str] = &[
    "law.cornell.edu",
    "law.justia.com",
    "regulations.justia.com",
    "codes.findlaw.com",
    "casetext.com",
    "public.law",
];

/// Recognised secondary references: context, never confirmation.
const SECONDARY: &[&str] = &[
    "ncsl.org",
    "cchpca.org",
    "apa.org",
    "apaservices.org",
    "counseling.org",
    "socialworkers.org",
    "aamft.org",
    "camft.org",
    "jaapl.org",
];

/// Hosts never cited: content farms, AI summaries, exam-prep and homework
/// sites, surveys, file-sharing mirrors, bill trackers, other practices.
const BLOCKED: &[&str] = &[
    "instalawyer.io",
    "lawserver.com",
    "triadhq.com",
    "darkscan.org",
    "laws9.com",
    "legalfix.com",
    "legalclarity.org",
    "studicata.com",
    "coralberryevents.com",
    "worldpopulationreview.com",
    "docsbay.net",
    "docplayer.net",
    "studylib.net",
    "1library.net",
    "vdocuments.mx",
    "vdocuments.net",
    "vdocument.in",
    "pdfslide.net",
    "dokumen.tips",
    "documents.pub",
    "docslib.org",
    "info.5y1.org",
    "online.documentine.com",
    "anyflip.com",
    "issuu.com",
    "slideshare.net",
    "scribd.com",
    "surveymonkey.com",
    "examzify.com",
    "quizlet.com",
    "chegg.com",
    "coursehero.com",
    "brainly.com",
    "allpsychologyschools.com",
    "climbtheladder.com",
    "counselor-license.com",
    "mft-license.com",
    "yep.tools",
    "owlyco.com",
    "wixlib.com",
    "getpocketlaw.com",
    "lexplug.com",
    "lawgratis.com",
    "uslawyerdatabase.com",
    "gavvy.com",
    "ecases.us",
    "elaws.us",
    "telementalhealthtraining.com",
    "statutes.laws.com",
    "lawrefs.com",
    "lawpipe.com",
    "self-law.org",
    "laws-info.com",
    "cetient.com",
    "mandatedreporteracademy.com",
    "lawrina.com",
    "textbookdiscrimination.com",
    "wizedu.com",
    "hlerk.com",
    "bankruptcylawyer.co",
    "americahow.org",
    "domain.glass",
    "uslegalforms.com",
    "treatment-faq.com",
    "atrainceu.com",
    "ceulove.com",
    "televerify.org",
    "amebaownd.com",
    "drdebiwarner.com",
    "wellnessmft.com",
    "jamesrivercounseling.com",
    "newinsightspsychology.com",
    "remnantcounselorcollective.com",
    "indigorecoveryllc.com",
    "thedragonflyhouse.com",
    "learn-to-grow.com",
    "typepad.com",
    "edduls.pics",
    "legalfina.com",
    "law.onecle.com",
    "global-regulation.com",
    "lawskills.com",
    "pdf4pro.com",
    "vulcanbills.com",
    "fastdemocracy.com",
    "billcam.com",
    "billtrack50.com",
    "legiscan.com",
    "govhawk.com",
    "legiplex.com",
    "wikipedia.org",
    "docdroid.net",
];

/// Host patterns never cited: AI-summary domains and staging or preview hosts.
fn blocked_pattern(host: &str) -> bool {
    let first = host.split('.').next().unwrap_or("");
    host.ends_with(".ai")
        || host.ends_with("cloudfront.net")
        || host.ends_with("pages.dev")
        || host.ends_with("azurewebsites.net")
        || host.ends_with("wixsite.com")
        || host.ends_with("medium.com")
        || host.contains("blogspot.")
        || host.contains("docs-preview")
        || host.contains("wp.bilberrry")
        || ["development", "preview", "staging", "dev", "test"].contains(&first)
        || first.starts_with("dev-")
}

/// What kind of source a host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HostKind {
    /// Never cited.
    Blocked,
    /// Neither official nor a recognised secondary reference.
    Other,
    /// A recognised secondary reference.
    Secondary,
    /// Verbatim code text with a currency date (Justia, Casetext, FindLaw,
    /// Cornell LII, public.law).
    Published,
    /// A legislature, court or agency, or an official body's own repository.
    Official,
}

fn under(host: &str, list: &[&str]) -> bool {
    list.iter().any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The host of a URL, lower-case, without `www.` or a port.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next()?.split(':').next()?.trim_end_matches('.');
    let host = host.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_string).unwrap_or(host))
}

/// What kind of source a host is.
pub fn kind(host: &str) -> HostKind {
    if under(host, BLOCKED) || blocked_pattern(host) {
        return HostKind::Blocked;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let state_us = labels.len() >= 3
        && labels[labels.len() - 1] == "us"
        && labels[labels.len() - 2].len() == 2
        && ["state", "k12", "co", "ci"].contains(&labels[labels.len() - 3]);
    if host.ends_with(".gov") || host.ends_with(".mil") || state_us || under(host, OFFICIAL) {
        HostKind::Official
    } else if under(host, PUBLISHED) {
        HostKind::Published
    } else if under(host, SECONDARY) || is_nasw_chapter(host) {
        HostKind::Secondary
    } else {
        HostKind::Other
    }
}

/// NASW chapters' own domains (`naswco.org`, `naswnyc.org`).
fn is_nasw_chapter(host: &str) -> bool {
    let Some(name) = host.strip_suffix(".org").or_else(|| host.strip_suffix(".com")) else {
        return false;
    };
    name.strip_prefix("nasw")
        .is_some_and(|r| r.len() <= 4 && r.chars().all(|c| c.is_ascii_lowercase()))
}

/// The URLs in a `source` field.
pub fn urls(source: &str) -> impl Iterator<Item = &str> {
    source.split(|c: char| c.is_whitespace() || c == ';').filter(|w| w.starts_with("http"))
}

/// What kind of source a URL is: its host's kind, or official for an
/// official body's own repository (see [`OFFICIAL_REPOSITORIES`]).
pub fn url_kind(url: &str) -> Option<HostKind> {
    let h = host(url)?;
    let k = kind(&h);
    if k == HostKind::Blocked {
        return Some(k);
    }
    let rest = url.split_once("://").map_or("", |(_, r)| r).to_ascii_lowercase();
    let rest = rest.strip_prefix("www.").unwrap_or(&rest);
    if OFFICIAL_REPOSITORIES.iter().any(|r| rest.starts_with(r)) {
        return Some(HostKind::Official);
    }
    Some(k)
}

/// The strongest kind of source among a `source` field's URLs, if it has any.
pub fn best(source: &str) -> Option<HostKind> {
    urls(source).filter_map(url_kind).max()
}

/// Whether any URL of a `source` field is of `kind`.
pub fn cites(source: &str, kind: HostKind) -> bool {
    urls(source).filter_map(url_kind).any(|k| k == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_hosts() {
        let k = |u: &str| kind(&host(u).unwrap());
        assert_eq!(k("https://leginfo.legislature.ca.gov/faces/x"), HostKind::Official);
        assert_eq!(k("http://rules.sos.state.ga.us/gac/135-7"), HostKind::Official);
        assert_eq!(k("https://www.ksrevisor.org/statutes/x.html"), HostKind::Official);
        assert_eq!(k("https://www.law.cornell.edu/regulations/x"), HostKind::Published);
        assert_eq!(k("https://texas.public.law/statutes/x"), HostKind::Published);
        assert_eq!(k("https://www.ncsl.org/x"), HostKind::Secondary);
        assert_eq!(
            url_kind(
                "https://github.com/DCCouncil/law-xml/blob/main/us/dc/council/code/titles/7/sections/7-1901.xml"
            ),
            Some(HostKind::Official)
        );
        assert_eq!(url_kind("https://github.com/someone/law-xml"), Some(HostKind::Other));
        assert_eq!(k("https://naswco.socialworkers.org/x"), HostKind::Secondary);
        assert_eq!(k("https://instalawyer.io/laws/x"), HostKind::Blocked);
        assert_eq!(k("https://ok.elaws.us/x"), HostKind::Blocked);
        assert_eq!(k("https://courtgpt.ai/x"), HostKind::Blocked);
        assert_eq!(k("https://development.code.dccouncil.us/x"), HostKind::Blocked);
        assert_eq!(k("https://d1tvxue8o4w0fl.cloudfront.net/x"), HostKind::Blocked);
        assert_eq!(k("https://hollandhart.com/x"), HostKind::Other);
        assert_eq!(k("https://cuyahogacounty.us/x"), HostKind::Other);
        assert_eq!(best("a ; https://x.com/a ; https://ilga.gov/b"), Some(HostKind::Official));
        assert_eq!(best("CCHP summary, no link"), None);
    }
}

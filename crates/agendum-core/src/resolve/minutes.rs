//! After the meeting: its status (held, cancelled, postponed, rescheduled) and its
//! minutes (`minutes.yaml`) resolved against its agenda: attendance, declarations of
//! interest, one minute per item with its resolution and recorded votes, the exclusion
//! of the press and public, and the webcast's times. Exempt minutes are kept whole here;
//! `crate::audience` decides what the public sees of them.

use super::*;

pub(super) struct Status {
    pub status: String,
    pub display: Option<String>,
    pub previous: Option<NaiveDate>,
}

/// The meeting's status as `meeting.yaml` gives it.
pub(super) fn meeting_status(path: &Path, f: &MeetingFile, date: NaiveDate, diags: &mut Diagnostics) -> Status {
    let status = f.status.as_ref().map(|s| s.value).unwrap_or(MeetingStatus::Scheduled);
    let previous = match &f.previous_date {
        None => None,
        Some(p) => match parse_date(&p.value) {
            Ok(d) => Some((d, p)),
            Err(e) => {
                diags.push(Diagnostic::error(spanned_pos(path, p, 0), e).field("previous_date").hint("write dates as YYYY-MM-DD"));
                None
            }
        },
    };
    let previous = match (status, previous) {
        (MeetingStatus::Rescheduled, Some((d, p))) => {
            if d == date {
                diags.push(
                    Diagnostic::error(spanned_pos(path, p, 0), "a rescheduled meeting's previous date is its date")
                        .field("previous_date")
                        .hint("give the date the meeting was first called for; `date:` is the new one"),
                );
            }
            Some(d)
        }
        (MeetingStatus::Rescheduled, None) => {
            let pos = f.status.as_ref().map(|s| spanned_pos(path, s, 0)).unwrap_or_else(|| Pos::file(path));
            diags.push(
                Diagnostic::error(pos, "a rescheduled meeting needs the date it was first called for")
                    .field("previous_date")
                    .hint("add `previous_date: YYYY-MM-DD`; `date:` (and the folder name) are the new date"),
            );
            None
        }
        (_, Some((_, p))) => {
            diags.push(
                Diagnostic::error(spanned_pos(path, p, 0), "only a rescheduled meeting has a previous date")
                    .field("previous_date")
                    .hint("add `status: rescheduled`, or remove `previous_date`"),
            );
            None
        }
        (_, None) => None,
    };
    let display = match status {
        MeetingStatus::Scheduled | MeetingStatus::Held => None,
        MeetingStatus::Cancelled => Some("This meeting has been cancelled".to_string()),
        MeetingStatus::Postponed => Some("This meeting has been postponed".to_string()),
        MeetingStatus::Rescheduled => Some(match previous {
            Some(p) => format!("This meeting was moved from {} to {}", display_date(p), display_date(date)),
            None => "This meeting was moved".to_string(),
        }),
    };
    let status = yaml_name(status);
    Status { status, display, previous }
}

fn vote_side(side: &VoteSide) -> (u32, Vec<String>) {
    match side {
        VoteSide::Count(n) => (*n, Vec::new()),
        VoteSide::Names(names) => (names.len() as u32, names.iter().map(|n| n.trim().to_string()).collect()),
    }
}

/// "01:02:03", "2:03" or "75" (seconds) as seconds from the start of the webcast.
fn webcast_seconds(at: &str) -> Option<u32> {
    let parts: Vec<&str> = at.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 4) {
        return None;
    }
    let mut total: u32 = 0;
    for (i, p) in parts.iter().enumerate() {
        let v: u32 = p.parse().ok()?;
        if i > 0 && v >= 60 {
            return None;
        }
        total = total * 60 + v;
    }
    Some(total)
}

/// The minutes of `meeting`, checked against its agenda. Problems go to `diags` (errors)
/// and `warnings`, each at its place in `file`.
pub(super) fn resolve_minutes(
    file: &Path,
    f: &MinutesFile,
    meeting: &MeetingDoc,
    theme: &Theme,
    warnings: &mut Diagnostics,
    diags: &mut Diagnostics,
) -> Option<MinutesDoc> {
    if matches!(meeting.status.as_str(), "cancelled" | "postponed") {
        diags.push(
            Diagnostic::error(Pos::file(file), format!("the meeting is {}, but has minutes", meeting.status))
                .hint("a meeting not held has no minutes: remove minutes.yaml, or correct `status:` in meeting.yaml"),
        );
        return None;
    }
    let item = |n: &str| meeting.items.iter().find(|i| i.number == n.trim());
    let agenda_numbers = || meeting.items.iter().map(|i| i.number.as_str()).collect::<Vec<_>>().join(", ");
    let base = meeting.url.rsplit_once('/').map(|(d, _)| d).unwrap_or("");

    // Approval as a correct record: at a later meeting.
    let (mut approved, mut signed_by) = (None, None);
    if let Some(a) = &f.approved {
        match parse_date(&a.value.date) {
            Err(e) => diags.push(
                Diagnostic::error(spanned_pos(file, a, 0), e).field("approved.date").hint("write the date of the meeting that approved them, YYYY-MM-DD"),
            ),
            Ok(d) if d.format("%Y-%m-%d").to_string() <= meeting.date => diags.push(
                Diagnostic::error(
                    spanned_pos(file, a, 0),
                    format!("minutes approved on {}, not after the meeting they record ({})", display_date(d), meeting.date_display),
                )
                .field("approved.date")
                .hint("minutes are approved as a correct record at a later meeting: give that meeting's date"),
            ),
            Ok(d) => approved = Some(d),
        }
        signed_by = given(a.value.signed_by.as_deref());
    }
    let status_line = match approved {
        Some(d) => format!("Approved as a correct record at the meeting of {}", display_date(d)),
        None => "Draft minutes: not yet approved as a correct record".to_string(),
    };

    // Who was there: the members present (and substitutes) are who can vote.
    let att = &f.attendance;
    let present: BTreeSet<String> =
        att.present.iter().map(|p| p.name().trim().to_string()).chain(att.substitutes.iter().map(|s| s.name.trim().to_string())).collect();
    if f.minutes.iter().any(|m| m.value.votes.is_some()) && present.is_empty() {
        diags.push(
            Diagnostic::error(Pos::file(file), "votes are recorded but no member is listed as present")
                .field("attendance.present")
                .hint("list the members present under `attendance: present:`"),
        );
    }
    for (list, field) in [(&att.apologies, "attendance.apologies"), (&att.absent, "attendance.absent")] {
        for name in list {
            if present.contains(name.trim()) {
                diags.push(
                    Diagnostic::error(Pos::file(file), format!("{name} is listed as present and in `{}`", field.rsplit('.').next().unwrap_or(field)))
                        .field(field)
                        .hint("list each member once: present, apologies or absent"),
                );
            }
        }
    }

    let mut declarations = Vec::new();
    for d in &f.declarations {
        let v = &d.value;
        if item(&v.item).is_none() {
            diags.push(
                Diagnostic::error(spanned_pos(file, d, 0), format!("a declaration names item {}, which is not on the agenda", v.item.trim()))
                    .field("declarations.item")
                    .hint(format!("the agenda's items are {}", agenda_numbers())),
            );
            continue;
        }
        declarations.push(DeclarationDoc {
            member: v.member.trim().to_string(),
            item: v.item.trim().to_string(),
            kind: yaml_name(v.kind),
            kind_display: v.kind.label().to_string(),
            nature: v.nature.trim().to_string(),
            left_room: v.left_room,
            dispensation: given(v.dispensation.as_deref()),
        });
        if v.kind == InterestKind::DisclosablePecuniary && !v.left_room && v.dispensation.is_none() {
            warnings.push(
                Diagnostic::warning(
                    spanned_pos(file, d, 0),
                    format!("{} declared a disclosable pecuniary interest in item {} and stayed, without a dispensation", v.member.trim(), v.item.trim()),
                )
                .field("declarations")
                .hint("record `left_room: true`, or the dispensation granted (s31(4) Localism Act 2011)"),
            );
        }
    }

    let (mut exclusion, mut exclusion_items) = (None, Vec::new());
    if let Some(x) = &f.exclusion {
        for n in &x.value.items {
            if item(n).is_none() {
                diags.push(
                    Diagnostic::error(spanned_pos(file, x, 0), format!("the exclusion resolution names item {}, which is not on the agenda", n.trim()))
                        .field("exclusion.items")
                        .hint(format!("the agenda's items are {}", agenda_numbers())),
                );
            }
        }
        exclusion = Some(exemption_of(&x.value.paragraphs, &spanned_pos(file, x, 0), "the exclusion resolution", "exclusion.paragraphs", diags));
        exclusion_items = x.value.items.iter().map(|s| s.trim().to_string()).collect();
    }

    let webcast = f.webcast.as_deref().map(str::trim).filter(|w| !w.is_empty());
    if let Some(w) = webcast {
        if !w.starts_with("https://") {
            diags.push(
                Diagnostic::error(Pos::file(file), format!("the webcast address `{w}` is not an https:// address"))
                    .field("webcast")
                    .hint("give the full address of the recording, starting https://"),
            );
        }
    }

    let mut entries = Vec::new();
    let mut minuted: BTreeSet<String> = BTreeSet::new();
    let scheme = &theme.scheme.minutes;
    let continuous = scheme.numbering == crate::theme::MinuteNumbering::Continuous;
    let first = f.first_number.as_ref().map(|n| n.value);
    match (&f.first_number, continuous) {
        (Some(n), true) if n.value == 0 => diags.push(
            Diagnostic::error(spanned_pos(file, n, 0), "minute numbers start at 1")
                .field("first_number")
                .hint("give the number of this meeting's first minute"),
        ),
        (Some(n), false) => diags.push(
            Diagnostic::error(spanned_pos(file, n, 0), "this council's minutes take their items' numbers")
                .field("first_number")
                .hint("remove `first_number`, or set `minutes: {numbering: continuous}` in the theme"),
        ),
        (None, true) if !f.minutes.is_empty() => diags.push(
            Diagnostic::error(Pos::file(file), "this council numbers minutes on from the last meeting's, and these give no first number")
                .field("first_number")
                .hint("add `first_number:` (one more than the last minute of the previous meeting)"),
        ),
        _ => {}
    }
    for (i, m) in f.minutes.iter().enumerate() {
        let v = &m.value;
        let pos = spanned_pos(file, m, 0);
        let Some(agenda_item) = item(&v.item) else {
            diags.push(
                Diagnostic::error(pos, format!("a minute names item {}, which is not on the agenda", v.item.trim()))
                    .field("minutes.item")
                    .hint(format!("the agenda's items are {}", agenda_numbers())),
            );
            continue;
        };
        if !minuted.insert(agenda_item.number.clone()) {
            diags.push(
                Diagnostic::error(pos, format!("item {} is minuted twice", agenda_item.number))
                    .field("minutes.item")
                    .hint("write one minute per item; a minute can hold several paragraphs"),
            );
            continue;
        }
        let number = match first.filter(|_| continuous) {
            Some(n) => format!("{}{}", scheme.prefix, n as usize + i),
            None => format!("{}{}", scheme.prefix, agenda_item.number),
        };
        let votes = v.votes.as_ref().map(|votes| {
            let (f_n, f_names) = vote_side(&votes.for_);
            let (a_n, a_names) = vote_side(&votes.against);
            let (x_n, x_names) = vote_side(&votes.abstain);
            VotesDoc {
                for_count: f_n,
                against_count: a_n,
                abstain_count: x_n,
                for_names: f_names,
                against_names: a_names,
                abstain_names: x_names,
                result: if f_n > a_n { "carried" } else { "lost" }.into(),
            }
        });
        if let Some(vd) = &votes {
            let cast = vd.for_count + vd.against_count + vd.abstain_count;
            if !present.is_empty() && cast as usize > present.len() {
                diags.push(
                    Diagnostic::error(
                        pos.clone(),
                        format!("{cast} votes are recorded on item {}, but {} members were present", agenda_item.number, present.len()),
                    )
                    .field("minutes.votes")
                    .hint("check the vote against the members listed under `attendance: present:` and `substitutes:`"),
                );
            }
            let mut seen = BTreeSet::new();
            for name in vd.for_names.iter().chain(&vd.against_names).chain(&vd.abstain_names) {
                if !present.contains(name) {
                    diags.push(
                        Diagnostic::error(pos.clone(), format!("{name} is recorded as voting on item {}, but is not listed as present", agenda_item.number))
                            .field("minutes.votes")
                            .hint("add them to `attendance: present:` (or `substitutes:`), or correct the name"),
                    );
                }
                if !seen.insert(name.clone()) {
                    diags.push(
                        Diagnostic::error(pos.clone(), format!("{name} is recorded as voting twice on item {}", agenda_item.number))
                            .field("minutes.votes")
                            .hint("each member votes once"),
                    );
                }
            }
        }
        let webcast_at = given(v.webcast_at.as_deref());
        let mut webcast_url = None;
        if let Some(t) = &webcast_at {
            match (webcast_seconds(t), webcast) {
                (None, _) => diags.push(
                    Diagnostic::error(pos.clone(), format!("`{t}` is not a time in the webcast"))
                        .field("minutes.webcast_at")
                        .hint("write hours, minutes and seconds from the start, e.g. \"01:12:30\""),
                ),
                (Some(_), None) => diags.push(
                    Diagnostic::error(pos.clone(), "a minute gives a webcast time, but the minutes give no webcast")
                        .field("minutes.webcast_at")
                        .hint("add `webcast: https://...` at the top of minutes.yaml"),
                ),
                // A media fragment (W3C): players that know it start there.
                (Some(s), Some(w)) => webcast_url = Some(format!("{}#t={s}", w.split('#').next().unwrap_or(w))),
            }
        }
        let exempt = match &v.exempt {
            Some(p) => Some(exemption_of(p, &pos, "an exempt minute", "minutes.exempt", diags)),
            None => agenda_item.exempt.clone().map(|e| Exemption { public_interest: None, ..e }),
        };
        if exempt.is_some() && exclusion.is_none() {
            warnings.push(
                Diagnostic::warning(
                    pos.clone(),
                    format!("item {} is exempt, but the minutes record no resolution to exclude the press and public", agenda_item.number),
                )
                .field("exclusion")
                .hint("add `exclusion: {items: [...], paragraphs: [...]}` (s100A(4) Local Government Act 1972)"),
            );
        }
        if v.public_summary.is_some() && exempt.is_none() {
            diags.push(
                Diagnostic::error(pos.clone(), "a public summary is for an exempt minute, and this one is public")
                    .field("minutes.public_summary")
                    .hint("write the text under `text:` or `resolved:`, or mark the minute `exempt: [paragraph]`"),
            );
        }
        let line = pos.line;
        let text_of = |t: &Option<String>| t.as_deref().map(|t| field_blocks(t, line, theme)).unwrap_or_default();
        let mut blocks = text_of(&v.text);
        let mut resolution = text_of(&v.resolved);
        let mut public_summary = text_of(&v.public_summary);
        // Ids inside a minute are its own.
        let id = format!("minute-{}", slugify(&number).trim_matches('-'));
        for b in [&mut blocks, &mut resolution, &mut public_summary] {
            for_each_block_mut(b, &mut |b| {
                for bid in block_ids_mut(b) {
                    *bid = format!("{id}-{bid}");
                }
            });
        }
        entries.push(MinuteDoc {
            number,
            item: agenda_item.number.clone(),
            title: given(v.title.as_deref()).unwrap_or_else(|| agenda_item.title.clone()),
            id,
            blocks,
            resolution,
            proposer: given(v.proposer.as_deref()),
            seconder: given(v.seconder.as_deref()),
            votes,
            webcast_at,
            webcast_url,
            exempt,
            public_summary,
            withheld: false,
        });
    }
    let committee = &meeting.committee;
    Some(MinutesDoc {
        url: format!("{base}/minutes.html"),
        pdf_url: format!("{base}/minutes.pdf"),
        title: format!("Minutes of the meeting of the {committee} held on {}", meeting.date_display),
        approved: approved.map(|d| d.format("%Y-%m-%d").to_string()),
        approved_display: approved.map(display_date),
        signed_by,
        status_line,
        present: people(&att.present),
        apologies: att.apologies.iter().map(|s| s.trim().to_string()).collect(),
        substitutes: att.substitutes.iter().map(|s| SubstituteDoc { name: s.name.trim().to_string(), for_member: s.for_member.trim().to_string() }).collect(),
        absent: att.absent.iter().map(|s| s.trim().to_string()).collect(),
        also_present: people(&att.also_present),
        officers: people(&att.officers),
        declarations,
        exclusion,
        exclusion_items,
        webcast: webcast.map(str::to_string),
        first_number: first.filter(|_| continuous),
        entries,
        source: file.to_string_lossy().replace('\\', "/"),
    })
}

/// The next agenda carries the last meeting's minutes for approval: a `minutes` item
/// without a document of its own gets the minutes of the committee's meeting before
/// (in `meetings`, in date order), as the public may read them (exempt minutes
/// withheld: the agenda's documents are public papers). They are not part of a frozen
/// pack's record, because approving them at this meeting changes their file.
/// Each committee's last meeting so far (not cancelled or postponed): the public version
/// of its minutes, if it has any, and its date as printed. Kept from one batch of
/// meetings to the next, so that the first meeting of a batch carries the minutes of a
/// meeting in the batch before, as it would in one batch.
#[derive(Default)]
pub struct CarriedMinutes(BTreeMap<String, Option<(MinutesDoc, String)>>);

pub(super) fn carry_minutes_forward(meetings: &mut [ResolvedMeeting], carried: &mut CarriedMinutes) {
    for m in meetings.iter_mut() {
        let slug = m.doc.committee_slug.clone();
        if let Some(Some((previous, date_display))) = carried.0.get(&slug) {
            let approved = previous.approved.is_some();
            for item in m.doc.items.iter_mut().filter(|it| it.kind == "minutes" && it.document.is_none()) {
                let mut blocks = previous.as_blocks();
                let prefix = format!("item-{}-", slugify(&item.number));
                for_each_block_mut(&mut blocks, &mut |b| {
                    for id in block_ids_mut(b) {
                        *id = format!("{prefix}{id}");
                    }
                });
                let title = format!("{} of the meeting held on {date_display}", if approved { "Minutes" } else { "Draft minutes" });
                item.document = Some(ItemDocument { title, blocks, pdf: None, alt: None, source: String::new() });
            }
        }
        if !matches!(m.doc.status.as_str(), "cancelled" | "postponed") {
            let minutes = m.minutes.as_ref().map(|x| (crate::audience::public_minutes(x), m.doc.date_display.clone()));
            carried.0.insert(slug, minutes);
        }
    }
}

fn people(list: &[Person]) -> Vec<PersonDoc> {
    list.iter().map(|p| PersonDoc { name: p.name().trim().to_string(), role: given(p.role()) }).collect()
}

#[cfg(test)]
mod tests {
    use super::webcast_seconds;

    #[test]
    fn webcast_times() {
        assert_eq!(webcast_seconds("01:02:03"), Some(3723));
        assert_eq!(webcast_seconds("2:03"), Some(123));
        assert_eq!(webcast_seconds("75"), Some(75));
        assert_eq!(webcast_seconds("1:75"), None);
        assert_eq!(webcast_seconds("1::2"), None);
        assert_eq!(webcast_seconds("an hour in"), None);
    }
}

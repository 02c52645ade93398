"""Labels of the acts, their fields and their choices, marked for translation.

Generated from `core.acts.KINDS` (titles, field titles, enum values) by `icjis web-labels`;
`tests/web/test_i18n.py` fails when an act kind, field or choice is missing here or has no
Kyrgyz or Russian text. After adding an act (or a refusal: `core.refusals.say`):
`icjis web-labels`, `ruff format`, then in src/icjis `icjis makemessages -l ky -l ru
--no-location --no-obsolete -i 'locale/*'` (every module: the refusals are raised everywhere;
check that no entry was dropped), translate the new entries in locale/*/django.po and
`icjis compilemessages` (which `make install` also runs).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

ACT_TITLES = {
    "alerts.acknowledge": gettext_noop("Acknowledge an alert"),
    "courts.appeal.decide": gettext_noop("Decide on an appeal against the verdict"),
    "courts.appeal.file": gettext_noop("File an appeal against the verdict"),
    "courts.appeal.register": gettext_noop("Register a case received by the appeal court"),
    "courts.appeal.send": gettext_noop("Send the case up to the appeal court"),
    "courts.assignment.settings": gettext_noop(
        "Set the judges' specialisations and shares for the draw"
    ),
    "courts.case.register": gettext_noop("Register a case received by the court"),
    "courts.hearing.postpone": gettext_noop("Postpone a hearing"),
    "courts.hearing.schedule": gettext_noop("Set a hearing"),
    "courts.judge.draw": gettext_noop("Draw the judge(s) for a court case"),
    "courts.judge.draw_commit": gettext_noop("Commit to the seed of a judge draw"),
    "courts.judge.leave": gettext_noop("Record a judge's leave (no draws on those days)"),
    "courts.judge.reassign": gettext_noop("Relieve a judge of a case and draw another"),
    "courts.judge.recuse": gettext_noop("Recuse a judge from a case"),
    "courts.measure.appeal": gettext_noop("Appeal against a ruling on a preventive measure"),
    "courts.measure.consent": gettext_noop("Consent to a petition for a preventive measure"),
    "courts.measure.decide": gettext_noop("Rule on a preventive measure"),
    "courts.measure.petition": gettext_noop(
        "Petition the investigating judge for a preventive measure"
    ),
    "courts.term.extend": gettext_noop("Extend the trial term or the appeal court's term"),
    "courts.trial.open": gettext_noop("Open the trial at its hearing"),
    "courts.verdict.deliver": gettext_noop("Deliver the verdict"),
    "courts.verdict.enter_into_force": gettext_noop("Record the verdict's entry into force"),
    "courts.verdict.execute": gettext_noop("Turn the verdict to execution"),
    "courts.verdict.serve": gettext_noop("Serve the copy of the verdict"),
    "detention.admit": gettext_noop("Admit a detainee to the facility"),
    "detention.arrest": gettext_noop("Detain a suspect"),
    "detention.cell_move": gettext_noop("Place a detainee in a cell or move them"),
    "detention.complaint": gettext_noop("Record a detainee's complaint"),
    "detention.depart": gettext_noop("Detainee leaves the facility under escort"),
    "detention.effects.record": gettext_noop("Record personal effects taken into keeping"),
    "detention.medical_exam": gettext_noop("Record a medical examination"),
    "detention.release": gettext_noop("Release a detainee"),
    "detention.return": gettext_noop("Detainee returns to the facility"),
    "detention.transfer": gettext_noop(
        "Hand a remanded detainee over to a pre-trial detention facility"
    ),
    "fines.file.open": gettext_noop("Open an enforcement file for a fine"),
    "fines.instalments.grant": gettext_noop("Grant payment by instalments"),
    "fines.payment.record": gettext_noop("Record a payment of a fine"),
    "legalaid.accept": gettext_noop("Accept an appointment"),
    "legalaid.advocate.register": gettext_noop("Register an advocate (or change the entry)"),
    "legalaid.appoint": gettext_noop("Appoint a lawyer (state-guaranteed legal aid)"),
    "legalaid.decline": gettext_noop("Decline an appointment (with the reason)"),
    "legalaid.escalate": gettext_noop("Escalate an appointment nobody accepted in time"),
    "legalaid.private_counsel": gettext_noop("Record counsel chosen by the person"),
    "legalaid.roster.set": gettext_noop("Set the duty roster of a district"),
    "persons.merge": gettext_noop("Merge two records of one person"),
    "persons.register": gettext_noop("Register a person in the index"),
    "persons.residence.record": gettext_noop("Record a person's place of residence"),
    "persons.unmerge": gettext_noop("Undo a merge"),
    "prisons.admission.expect": gettext_noop(
        "Expect a convict at the colony (verdict of imprisonment in force)"
    ),
    "prisons.admission.merge": gettext_noop(
        "End an expected entry as merged into the sentence served (sentences combined)"
    ),
    "prisons.admission.redirect": gettext_noop(
        "Send an expected convict to another colony (commission's decision)"
    ),
    "prisons.admit": gettext_noop("Admit a convict to the colony"),
    "prisons.headcount.submit": gettext_noop("Submit the facility's head-count"),
    "prisons.release": gettext_noop("Release a prisoner"),
    "prisons.sentence.recalculate": gettext_noop(
        "Recalculate a sentence (verdict modified, or a correction)"
    ),
    "prisons.sentence.record_manual": gettext_noop("Record a sentence calculated by hand"),
    "prisons.transfer": gettext_noop("Transfer a prisoner to another facility"),
    "probation.appear": gettext_noop("Record the convict's appearance at the probation office"),
    "probation.assign": gettext_noop("Assign the supervising officer"),
    "probation.complete": gettext_noop("Complete probation supervision"),
    "probation.court.refer": gettext_noop(
        "Submit to the court (revoke, change duties, cancel early)"
    ),
    "probation.meeting.missed": gettext_noop("Record a missed meeting"),
    "probation.meeting.record": gettext_noop("Record attendance at a meeting"),
    "probation.meeting.schedule": gettext_noop("Schedule a meeting"),
    "probation.plan.set": gettext_noop("Set the individual supervision plan"),
    "probation.register": gettext_noop("Register a person for probation supervision"),
    "probation.report.request": gettext_noop("Request a pre-sentence probation report"),
    "probation.report.submit": gettext_noop("Submit the pre-sentence probation report"),
    "probation.violation.record": gettext_noop("Record a violation of supervision"),
    "registry.case.assign": gettext_noop("Assign the report to an investigator"),
    "registry.case.join": gettext_noop("Join another case into this one"),
    "registry.case.joined_into": gettext_noop("Case closed by joining"),
    "registry.case.open": gettext_noop("Open a criminal case"),
    "registry.case.refuse": gettext_noop("Refuse to open a criminal case"),
    "registry.case.reopen": gettext_noop("Cancel a refusal or termination and reopen the case"),
    "registry.case.resume": gettext_noop("Resume the investigation"),
    "registry.case.split": gettext_noop("Split off a new case"),
    "registry.case.split_from": gettext_noop("Case split off from another"),
    "registry.case.suspend": gettext_noop("Suspend the investigation"),
    "registry.case.terminate": gettext_noop("Terminate the case"),
    "registry.case.transfer": gettext_noop("Send the case to another investigative unit"),
    "registry.charge": gettext_noop("Charge a person"),
    "registry.charge.requalify": gettext_noop("Requalify a charge"),
    "registry.copy.send": gettext_noop("Send a copy to the prosecutor"),
    "registry.indictment.approve": gettext_noop(
        "Approve the indictment and send the case to court"
    ),
    "registry.indictment.return": gettext_noop("Return the case for additional investigation"),
    "registry.indictment.submit": gettext_noop(
        "Send the case with the indictment to the prosecutor"
    ),
    "registry.participant.add": gettext_noop("Add a participant"),
    "registry.receipt.reissue": gettext_noop("Issue a new receipt for a report"),
    "registry.receipt.revoke": gettext_noop("Revoke the receipt token of a report"),
    "registry.report.register": gettext_noop("Register a crime report"),
    "registry.suspicion.notify": gettext_noop("Notify a person of suspicion"),
    "registry.term.extend": gettext_noop("Extend the check or the investigation term"),
}
FIELD_TITLES = {
    "About Violence": gettext_noop("About Violence"),
    "Address": gettext_noop("Address"),
    "Advocates": gettext_noop("Advocates"),
    "After": gettext_noop("After"),
    "Alert": gettext_noop("Alert"),
    "Amount": gettext_noop("Amount"),
    "Appeal": gettext_noop("Appeal"),
    "Applicant": gettext_noop("Applicant"),
    "Appointment": gettext_noop("Appointment"),
    "Article": gettext_noop("Article"),
    "At": gettext_noop("At"),
    "Attended": gettext_noop("Attended"),
    "Basis": gettext_noop("Basis"),
    "Birth Date": gettext_noop("Birth Date"),
    "Cell": gettext_noop("Cell"),
    "Changes": gettext_noop("Changes"),
    "Channel": gettext_noop("Channel"),
    "Citizenship": gettext_noop("Citizenship"),
    "Commit Seq": gettext_noop("Commit Seq"),
    "Conditions": gettext_noop("Conditions"),
    "Court": gettext_noop("Court"),
    "Court Case": gettext_noop("Court Case"),
    "Decision": gettext_noop("Decision"),
    "Defendants": gettext_noop("Defendants"),
    "Description": gettext_noop("Description"),
    "Detained At": gettext_noop("Detained At"),
    "District": gettext_noop("District"),
    "Document": gettext_noop("Document"),
    "Document Date": gettext_noop("Document Date"),
    "Draw": gettext_noop("Draw"),
    "Due On": gettext_noop("Due On"),
    "Ends At": gettext_noop("Ends At"),
    "Ends On": gettext_noop("Ends On"),
    "Explanation": gettext_noop("Explanation"),
    "Facility": gettext_noop("Facility"),
    "Fine": gettext_noop("Fine"),
    "From Case": gettext_noop("From Case"),
    "Full Name": gettext_noop("Full Name"),
    "Given Name": gettext_noop("Given Name"),
    "Granted": gettext_noop("Granted"),
    "Ground": gettext_noop("Ground"),
    "Grounds": gettext_noop("Grounds"),
    "Header": gettext_noop("Header"),
    "Hearing": gettext_noop("Hearing"),
    "Hours": gettext_noop("Hours"),
    "Hours Served": gettext_noop("Hours Served"),
    "Id": gettext_noop("Id"),
    "Indices": gettext_noop("Indices"),
    "Injuries": gettext_noop("Injuries"),
    "Instalments": gettext_noop("Instalments"),
    "Into": gettext_noop("Into"),
    "Into Case": gettext_noop("Into Case"),
    "Investigator": gettext_noop("Investigator"),
    "Items": gettext_noop("Items"),
    "Judge": gettext_noop("Judge"),
    "Judges": gettext_noop("Judges"),
    "Kind": gettext_noop("Kind"),
    "Languages": gettext_noop("Languages"),
    "Lawyer": gettext_noop("Lawyer"),
    "Lawyer Name": gettext_noop("Lawyer Name"),
    "Leaving": gettext_noop("Leaving"),
    "Licence": gettext_noop("Licence"),
    "Measure": gettext_noop("Measure"),
    "Meeting": gettext_noop("Meeting"),
    "Meetings Per Month": gettext_noop("Meetings Per Month"),
    "Months": gettext_noop("Months"),
    "Motion": gettext_noop("Motion"),
    "Name": gettext_noop("Name"),
    "Note": gettext_noop("Note"),
    "Notes": gettext_noop("Notes"),
    "Number": gettext_noop("Number"),
    "Occurred At": gettext_noop("Occurred At"),
    "Officer": gettext_noop("Officer"),
    "Other": gettext_noop("Other"),
    "Outcome": gettext_noop("Outcome"),
    "Parole Eligible On": gettext_noop("Parole Eligible On"),
    "Part": gettext_noop("Part"),
    "Patronymic": gettext_noop("Patronymic"),
    "Person": gettext_noop("Person"),
    "Persons": gettext_noop("Persons"),
    "Petition": gettext_noop("Petition"),
    "Pin": gettext_noop("Pin"),
    "Place": gettext_noop("Place"),
    "Probation Months": gettext_noop("Probation Months"),
    "Probation Report": gettext_noop("Probation Report"),
    "Purpose": gettext_noop("Purpose"),
    "Quantity": gettext_noop("Quantity"),
    "Reason": gettext_noop("Reason"),
    "Reasons": gettext_noop("Reasons"),
    "Reference": gettext_noop("Reference"),
    "Regime": gettext_noop("Regime"),
    "Region": gettext_noop("Region"),
    "Residence": gettext_noop("Place of residence"),
    "Release Date": gettext_noop("Release Date"),
    "Replaces": gettext_noop("Replaces"),
    "Request": gettext_noop("Request"),
    "Role": gettext_noop("Role"),
    "Room": gettext_noop("Room"),
    "Seed": gettext_noop("Seed"),
    "Sentence": gettext_noop("Sentence"),
    "Sentence Kind": gettext_noop("Sentence Kind"),
    "Seq": gettext_noop("Seq"),
    "Sex": gettext_noop("Sex"),
    "Share": gettext_noop("Share"),
    "Shifts": gettext_noop("Shifts"),
    "Source": gettext_noop("Source"),
    "Source Ref": gettext_noop("Source Ref"),
    "Specialisations": gettext_noop("Specialisations"),
    "Specialist Factor": gettext_noop("Specialist Factor"),
    "Start Date": gettext_noop("Start Date"),
    "Starts At": gettext_noop("Starts At"),
    "Starts On": gettext_noop("Starts On"),
    "Status": gettext_noop("Status"),
    "Summary": gettext_noop("Summary"),
    "Supervision Until": gettext_noop("Supervision Until"),
    "Surname": gettext_noop("Surname"),
    "Term Last Day": gettext_noop("Term Last Day"),
    "Text": gettext_noop("Text"),
    "To": gettext_noop("To"),
    "Trigger": gettext_noop("Trigger"),
    "Type": gettext_noop("Type"),
    "Unidentified": gettext_noop("Unidentified"),
    "Unit": gettext_noop("Unit"),
    "Until": gettext_noop("Until"),
    "Username": gettext_noop("Username"),
    "Valid From": gettext_noop("Valid From"),
    "Verdict": gettext_noop("Verdict"),
    "Without Check": gettext_noop("Without Check"),
    "Year": gettext_noop("Year"),
}
CHOICES = {
    "62(1)(1)": gettext_noop("62(1)(1)"),
    "62(1)(2)": gettext_noop("62(1)(2)"),
    "62(1)(3)": gettext_noop("62(1)(3)"),
    "62(2)": gettext_noop("62(2)"),
    "64": gettext_noop("64"),
    "F": gettext_noop("F"),
    "M": gettext_noop("M"),
    "accused": gettext_noop("Accused"),
    "accused_whereabouts_unknown": gettext_noop("Accused whereabouts unknown"),
    "acquitted": gettext_noop("Acquitted"),
    "active": gettext_noop("Active"),
    "amnesty": gettext_noop("Amnesty"),
    "appeal_modified": gettext_noop("Appeal modified"),
    "applicant": gettext_noop("Applicant"),
    "arrest": gettext_noop("Arrest"),
    "bail": gettext_noop("Bail"),
    "cancel_early": gettext_noop("Cancel early"),
    "cancelled_early": gettext_noop("Cancelled early"),
    "change_duties": gettext_noop("Change duties"),
    "civil_law_dispute": gettext_noop("Civil law dispute"),
    "community_work": gettext_noop("Community work"),
    "convicted": gettext_noop("Convicted"),
    "correction": gettext_noop("Correction"),
    "court": gettext_noop("Court"),
    "custody": gettext_noop("Custody"),
    "custody_not_needed": gettext_noop("Custody not needed"),
    "decline": gettext_noop("Decline"),
    "detention_record": gettext_noop("Detention record"),
    "dispatch": gettext_noop("Dispatch"),
    "educational_general": gettext_noop("Educational general"),
    "educational_reinforced": gettext_noop("Educational reinforced"),
    "electronic_monitoring": gettext_noop("Electronic monitoring"),
    "end_of_term": gettext_noop("End of term"),
    "ended": gettext_noop("Ended"),
    "escalation": gettext_noop("Escalation"),
    "executive": gettext_noop("Executive"),
    "fine": gettext_noop("Fine"),
    "general": gettext_noop("General"),
    "hospital": gettext_noop("Hospital"),
    "house_arrest": gettext_noop("House arrest"),
    "immunity_or_extradition": gettext_noop("Immunity or extradition"),
    "imprisonment": gettext_noop("Imprisonment"),
    "in_person": gettext_noop("In person"),
    "intake": gettext_noop("Intake"),
    "investigation": gettext_noop("Investigation"),
    "missed_meeting": gettext_noop("Missed meeting"),
    "modified": gettext_noop("Modified"),
    "new_offence": gettext_noop("New offence"),
    "no_documented_amount": gettext_noop("No documented amount"),
    "offender_not_identified": gettext_noop("Offender not identified"),
    "online": gettext_noop("Online"),
    "opening_decision": gettext_noop("Opening decision"),
    "other": gettext_noop("Other"),
    "pardon": gettext_noop("Pardon"),
    "parole": gettext_noop("Parole"),
    "penitentiary": gettext_noop("Penitentiary"),
    "phone": gettext_noop("Phone"),
    "postpenitentiary": gettext_noop("Postpenitentiary"),
    "pretrial": gettext_noop("Pretrial"),
    "prison": gettext_noop("Prison"),
    "probation": gettext_noop("Probation"),
    "probation_duty": gettext_noop("Probation duty"),
    "prosecutor": gettext_noop("Prosecutor"),
    "quashed": gettext_noop("Quashed"),
    "reassignment": gettext_noop("Reassignment"),
    "recusal": gettext_noop("Recusal"),
    "replace_sentence": gettext_noop("Replace sentence"),
    "representative": gettext_noop("Representative"),
    "request": gettext_noop("Request"),
    "restriction_of_liberty": gettext_noop("Restriction of liberty"),
    "retry": gettext_noop("Retry"),
    "revoke": gettext_noop("Revoke"),
    "revoked": gettext_noop("Revoked"),
    "serious_illness": gettext_noop("Serious illness"),
    "special": gettext_noop("Special"),
    "strict": gettext_noop("Strict"),
    "supervision_requirement": gettext_noop("Supervision requirement"),
    "suspect": gettext_noop("Suspect"),
    "suspended": gettext_noop("Suspended"),
    "suspicion": gettext_noop("Suspicion"),
    "suspicion_not_confirmed": gettext_noop("Suspicion not confirmed"),
    "term_expired": gettext_noop("Term expired"),
    "term_served": gettext_noop("Term served"),
    "terminated": gettext_noop("Terminated"),
    "transfer": gettext_noop("Transfer"),
    "undertaking": gettext_noop("Undertaking"),
    "unlawful_detention": gettext_noop("Unlawful detention"),
    "upheld": gettext_noop("Upheld"),
    "verdict": gettext_noop("Verdict"),
    "victim": gettext_noop("Victim"),
    "witness": gettext_noop("Witness"),
}


def act_title(kind: str) -> str:
    """The title of an act kind in the current language."""
    title = ACT_TITLES.get(kind)
    return gettext(title) if title else kind


def field_label(title: str) -> str:
    """The label of a field (by the English title of its schema) in the current language."""
    known = FIELD_TITLES.get(title)
    return gettext(known) if known else title


def choice_label(value: str) -> str:
    """The label of a choice (an enum value of a schema) in the current language."""
    known = CHOICES.get(value)
    return gettext(known) if known else value


# The codes as a sentence names them where it says "the criminal code kg-cc-2021" or "article
# 205 of kg-cc-2021": the catalogue says them as a year ("2021 года", "2021-жылдагы"), the
# sentence around them naming the kind of code. One per `legal.catalogues.CODE_IDS`.
CODE_WORDS = (
    gettext_noop("kg-cc-2021"),
    gettext_noop("kg-coo-2021"),
    gettext_noop("kg-cc-2017"),
    gettext_noop("kg-cc-1997"),
)

# Words of legal citations ("CPC 96(2); Law on State-Guaranteed Legal Aid"), longest first.
BASIS_TERMS = [
    gettext_noop("Law on State-Guaranteed Legal Aid"),
    gettext_noop("Supervision of the procedure"),
    gettext_noop("state register of advocates"),
    gettext_noop("article to be confirmed"),
    gettext_noop("Law on personal data"),
    gettext_noop("accuracy of records"),
    gettext_noop("Law on Probation of"),
    gettext_noop("Constitution of"),
    gettext_noop("duty lawyers"),
    gettext_noop("Constitution"),
    gettext_noop("No."),
    gettext_noop("CPC"),
    gettext_noop("CEC"),
    gettext_noop("CC"),
]
_BASIS = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(t)}(?!\w)" if t[-1].isalnum() else re.escape(t) for t in BASIS_TERMS
    )
)


def legal_basis(text: str) -> str:
    """A legal citation with the names of the codes and laws in the current language; the
    article numbers stay as they are."""
    return _BASIS.sub(lambda m: gettext(m.group(0)), text or "")

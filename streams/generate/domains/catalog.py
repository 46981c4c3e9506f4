"""The tool catalogues: what each server lists, and which agent may call what.

A tool's `scope` is what the gateway checks (`identity.scopes`); its annotations
(`readOnlyHint`, `openWorldHint`, `destructiveHint`) are what tools/list shows. An
agent's `habits` are the only tools its benign sessions call, so a call outside them
is a real first use; `privileged` tools are held by no agent (scope probing);
`rare` ones are listed but never called by benign sessions.
"""

from __future__ import annotations

from streams.generate.domains import banking, crm, ehr, payments
from streams.generate.domains.base import Agent, Builder, Domain, Tool


def _by_name(*builders: Builder) -> dict[str, Builder]:
    return {b.__name__: b for b in builders}


# fmt: off
EHR = Domain(
    name="ehr", server="ehr", version="1.4.2",
    tools=(
        Tool("search_patients", "Search patients by name; returns MRN, name, DOB.", "ehr.read",
             ("query",)),
        Tool("get_patient_record", "Fetch a patient's demographics, identifiers, problems and "
             "medications.", "ehr.read", ("patient_id",), sensitive=True),
        Tool("get_clinical_notes", "Return the most recent clinical notes for a patient.",
             "ehr.read", ("patient_id", "limit"), sensitive=True),
        Tool("list_encounters", "List a patient's encounters as CSV.", "ehr.read", ("patient_id",),
             sensitive=True),
        Tool("get_lab_results", "Recent lab results for a patient.", "ehr.read",
             ("patient_id", "panel"), sensitive=True),
        Tool("get_coverage", "Insurance eligibility and coverage for a patient.", "ehr.billing",
             ("patient_id",), sensitive=True),
        Tool("create_clinical_note", "Save a clinical note to the chart.", "ehr.write",
             ("patient_id", "text", "type"), read_only=False),
        Tool("schedule_appointment", "Book an appointment slot.", "ehr.schedule",
             ("patient_id", "slot"), read_only=False),
        Tool("export_patient_cohort", "Export a registry cohort as CSV.", "ehr.read",
             ("cohort", "format")),
        Tool("send_referral_fax", "Fax a referral to an outside provider.", "ehr.write",
             ("patient_id", "fax", "note"), read_only=False, open_world=True),
        Tool("delete_patient_record", "Permanently delete a chart.", "ehr.admin", ("patient_id",),
             read_only=False, destructive=True),
        Tool("break_glass_access", "Emergency access to a restricted chart.", "ehr.breakglass",
             ("patient_id", "reason")),
    ),
    builders=_by_name(ehr.search_patients, ehr.get_patient_record, ehr.get_clinical_notes,
                      ehr.list_encounters, ehr.get_lab_results, ehr.get_coverage,
                      ehr.create_clinical_note, ehr.schedule_appointment,
                      ehr.export_patient_cohort, ehr.send_referral_fax),
    agents=(
        Agent("chart-summarizer", "claude-desktop", ("ehr.read",),
              ("search_patients", "get_patient_record", "get_clinical_notes", "get_lab_results"),
              (), "treatment"),
        Agent("discharge-writer", "clinician-workspace",
              ("ehr.read", "ehr.write", "mail.send", "files.upload"),
              ("get_patient_record", "get_clinical_notes", "list_encounters",
               "create_clinical_note"), ("send_email", "upload_file"), "treatment"),
        Agent("coding-assistant", "rcm-batch", ("ehr.read", "ehr.billing"),
              ("list_encounters", "get_coverage", "get_patient_record"), (), "billing"),
        Agent("scheduling-bot", "front-desk-app", ("ehr.read", "ehr.schedule", "chat.post"),
              ("search_patients", "schedule_appointment"), ("post_message",), "operations"),
    ),
    subject_kind="patient", make_subject=ehr.make_subject,
    reads=("get_patient_record", "get_clinical_notes", "get_coverage"),
    privileged=("delete_patient_record", "break_glass_access"),
    rare=("export_patient_cohort", "send_referral_fax"), resource=ehr.resource,
)

PAYMENTS = Domain(
    name="payments", server="payments-gateway", version="3.9.0",
    tools=(
        Tool("get_payment", "Retrieve a payment with card and billing details.", "payments.read",
             ("payment_id",), sensitive=True),
        Tool("list_transactions", "List captured transactions for a merchant and day (CSV).",
             "payments.read", ("merchant_id", "date"), sensitive=True),
        Tool("reconcile_settlement", "Compare a settlement batch with the ledger.",
             "payments.read", ("batch_id",)),
        Tool("tokenize_card", "Exchange card details for a reusable token.", "payments.write",
             ("card_number", "exp_month", "exp_year", "cardholder_name"), read_only=False),
        Tool("refund_payment", "Refund all or part of a payment.", "payments.refund",
             ("payment_id", "amount", "reason"), read_only=False, open_world=True),
        Tool("get_dispute", "Fetch a chargeback with the cardholder's correspondence.",
             "payments.read", ("dispute_id",), sensitive=True),
        Tool("get_merchant_config", "Merchant processor configuration.", "payments.read",
             ("merchant_id",)),
        Tool("export_cardholders", "Export stored cardholders (CSV).", "payments.read",
             ("format",)),
        Tool("update_payout_account", "Change the bank account payouts go to.", "payments.admin",
             ("merchant_id", "iban"), read_only=False, destructive=True),
        Tool("issue_payout", "Send an immediate payout.", "payments.admin",
             ("merchant_id", "amount"), read_only=False, open_world=True),
    ),
    builders=_by_name(payments.get_payment, payments.list_transactions,
                      payments.reconcile_settlement, payments.tokenize_card,
                      payments.refund_payment, payments.get_dispute,
                      payments.get_merchant_config, payments.export_cardholders),
    agents=(
        Agent("recon-agent", "finance-copilot", ("payments.read", "chat.post", "files.upload"),
              ("list_transactions", "reconcile_settlement", "get_payment"),
              ("post_message", "upload_file"), "reconciliation"),
        Agent("disputes-agent", "support-desk", ("payments.read", "payments.refund", "mail.send"),
              ("get_payment", "get_dispute", "refund_payment"), ("send_email",),
              "customer_support"),
        Agent("checkout-agent", "storefront-agent", ("payments.read", "payments.write"),
              ("tokenize_card", "get_payment"), (), "payment"),
        Agent("merchant-ops", "ops-cli", ("payments.read", "http.post"),
              ("get_merchant_config", "list_transactions", "get_payment"), ("http_post",),
              "operations"),
    ),
    subject_kind="cardholder", make_subject=payments.make_subject,
    reads=("get_payment", "get_dispute"),
    privileged=("update_payout_account", "issue_payout"), rare=("export_cardholders",),
)

BANKING = Domain(
    name="banking", server="open-banking", version="2.2.7",
    tools=(
        Tool("list_accounts", "List a customer's accounts with identifiers.",
             "banking.accounts.read", ("customer_id",), sensitive=True),
        Tool("get_balances", "Current balances of an account.", "banking.accounts.read",
             ("account_id",)),
        Tool("list_account_transactions", "Booked transactions of an account.",
             "banking.accounts.read", ("account_id", "from"), sensitive=True),
        Tool("initiate_payment", "Initiate a credit transfer to a payee.",
             "banking.payments.write",
             ("debtor", "creditor_iban", "creditor_name", "amount", "reference"),
             read_only=False, open_world=True),
        Tool("verify_payee", "Confirmation of payee for an account.", "banking.payments.write",
             ("iban", "name")),
        Tool("get_consent", "Read an open-banking consent and its token.",
             "banking.consents.read", ("consent_id",), sensitive=True),
        Tool("get_ach_details", "Routing and account number for ACH.", "banking.accounts.read",
             ("account_id",), sensitive=True),
        Tool("export_statements", "Export up to 24 months of statements.",
             "banking.accounts.read", ("customer_id", "format", "months")),
        Tool("close_account", "Close an account.", "banking.admin", ("account_id",),
             read_only=False, destructive=True),
        Tool("change_account_owner", "Transfer account ownership.", "banking.admin",
             ("account_id", "new_owner"), read_only=False, destructive=True),
    ),
    builders=_by_name(banking.list_accounts, banking.get_balances,
                      banking.list_account_transactions, banking.initiate_payment,
                      banking.verify_payee, banking.get_consent, banking.get_ach_details,
                      banking.export_statements),
    agents=(
        Agent("pfm-assistant", "budget-app", ("banking.accounts.read",),
              ("list_accounts", "get_balances", "list_account_transactions"), (),
              "account_information"),
        Agent("treasury-copilot", "treasury-desk",
              ("banking.accounts.read", "banking.payments.write", "mail.send"),
              ("list_accounts", "verify_payee", "initiate_payment"), ("send_email",),
              "payment_initiation"),
        Agent("kyc-agent", "onboarding-portal",
              ("banking.accounts.read", "banking.consents.read", "files.upload"),
              ("get_consent", "get_ach_details", "list_accounts"), ("upload_file",), "kyc"),
    ),
    subject_kind="account-holder", make_subject=banking.make_subject,
    reads=("list_accounts", "get_ach_details", "get_consent"),
    privileged=("close_account", "change_account_owner"), rare=("export_statements",),
)

CRM = Domain(
    name="crm", server="helpdesk", version="5.12.1",
    tools=(
        Tool("search_contacts", "Find contacts by company or name.", "crm.read", ("query",)),
        Tool("get_contact", "A contact with e-mails, phones and custom fields.", "crm.read",
             ("contact_id",), sensitive=True),
        Tool("get_ticket", "A support ticket with its full thread.", "crm.read", ("ticket_id",),
             sensitive=True),
        Tool("update_ticket", "Change status and add an internal comment.", "crm.write",
             ("ticket_id", "status", "comment"), read_only=False),
        Tool("create_ticket", "Open a ticket for a requester.", "crm.write",
             ("subject", "requester_email", "body"), read_only=False),
        Tool("get_audit_log", "Sign-in and API audit events of an account (CSV).", "crm.audit",
             ("account_id", "days"), sensitive=True),
        Tool("export_contacts", "Export a contact segment as CSV.", "crm.read",
             ("segment", "format")),
        Tool("delete_contact", "Delete a contact and its history.", "crm.admin", ("contact_id",),
             read_only=False, destructive=True),
        Tool("set_user_role", "Change a workspace user's role.", "crm.admin", ("user", "role"),
             read_only=False),
        Tool("impersonate_user", "Act as another user of the workspace.", "crm.admin", ("user",),
             read_only=False),
    ),
    builders=_by_name(crm.search_contacts, crm.get_contact, crm.get_ticket, crm.update_ticket,
                      crm.create_ticket, crm.get_audit_log, crm.export_contacts),
    agents=(
        Agent("support-copilot", "support-desk", ("crm.read", "crm.write", "mail.send"),
              ("get_ticket", "search_contacts", "get_contact", "update_ticket"), ("send_email",),
              "customer_support"),
        Agent("sales-assistant", "crm-sidebar", ("crm.read", "crm.write", "chat.post"),
              ("search_contacts", "get_contact", "create_ticket"), ("post_message",), "sales"),
        Agent("security-triage", "soc-console", ("crm.read", "crm.audit", "http.post"),
              ("get_audit_log", "get_ticket"), ("http_post",), "security"),
    ),
    subject_kind="contact", make_subject=crm.make_subject,
    reads=("get_contact", "get_ticket", "get_audit_log"),
    privileged=("delete_contact", "set_user_role", "impersonate_user"),
    rare=("export_contacts",),
)
# fmt: on

"""URLs of the 2023 trial (included at ``trial/``); the public announcement and directory pages are
the portal's (``trial.public``), the public feedback form and status page are here."""

from django.urls import path

from trial.views import feedback as feedback
from trial.views import national as national
from trial.views import records as records
from trial.views import rounds as views
from trial.views import usage as usage

app_name = "trial"

urlpatterns = [
    path("", views.overview, name="overview"),
    *views.RoundViews.urls("rounds", "round", detail=views.RoundDetail),
    path("rounds/<int:pk>/sync/", views.RoundSync.as_view(), name="round_sync"),
    path("rounds/<int:pk>/publish/", national.RoundPublish.as_view(), name="round_publish"),
    *views.PeriodViews.urls("periods", "period"),
    *views.ParticipantViews.urls("participants", "participant"),
    *views.AnnouncementViews.urls(
        "announcements", "announcement", detail=views.AnnouncementDetail, update=views.AnnouncementUpdate
    ),
    path("announcements/<int:pk>/approve/", views.AnnouncementApprove.as_view(), name="announcement_approve"),
    path("announcements/<int:pk>/publish/", views.AnnouncementPublish.as_view(), name="announcement_publish"),
    path("announcements/<int:pk>/return/", views.AnnouncementReturn.as_view(), name="announcement_return"),
    path("announcements/<int:pk>/displays/", national.DisplayAdd.as_view(), name="announcement_display_add"),
    path("coverage/overview/", views.coverage_overview, name="coverage_overview"),
    *views.CoverageViews.urls("coverage", "coverage"),
    *records.AgreementViews.urls("agreements", "agreement", detail=records.AgreementDetail),
    path("agreements/<int:pk>/parties/", records.AgreementPartyAdd.as_view(), name="agreement_party_add"),
    path("agreements/parties/<int:pk>/delete/", records.AgreementPartyDelete.as_view(), name="agreement_party_delete"),
    path("agreements/<int:pk>/scan/", records.agreement_scan, name="agreement_scan"),
    *records.PlanViews.urls("plans", "remedyplan"),
    path("plans/<int:pk>/document/", records.plan_document, name="remedyplan_document"),
    *records.IncidentViews.urls("incidents", "incident", list=records.IncidentList),
    # --- usage statistics ---
    path("usage/", usage.ReportList.as_view(), name="usagereport_list"),
    path("usage/<int:pk>/", usage.ReportDetail.as_view(), name="usagereport_detail"),
    path("usage/<int:pk>/delete/", usage.ReportDelete.as_view(), name="usagereport_delete"),
    path("usage/new/", usage.report_submit, name="usage_submit"),
    path("usage/import/", usage.report_import, name="usage_import"),
    path("usage/template.xlsx", usage.report_template, name="usage_template"),
    path("usage/national/", usage.national_table, name="national_table"),
    path("usage/national.xlsx", usage.national_table_xlsx, name="national_table_xlsx"),
    # --- written reports to 法规司 (书面报送) ---
    path("written/", national.WrittenReportList.as_view(), name="writtenreport_list"),
    path("written/new/", national.written_report_new, name="writtenreport_new"),
    path("written/<int:pk>/", national.WrittenReportDetail.as_view(), name="writtenreport_detail"),
    path("written/<int:pk>/letter.pdf", national.written_report_pdf, name="writtenreport_pdf"),
    # --- bidders' feedback: public ---
    path("feedback/new/", feedback.feedback_new, name="feedback_new"),
    path("feedback/status/", feedback.feedback_status, name="feedback_status"),
    # --- bidders' feedback: triage ---
    path("feedback/", feedback.FeedbackList.as_view(), name="feedback_list"),
    path("feedback/national/", feedback.feedback_national, name="feedback_national"),
    path("feedback/<int:pk>/", feedback.FeedbackDetail.as_view(), name="feedback_detail"),
    path("feedback/<int:pk>/answer/", feedback.FeedbackAnswer.as_view(), name="feedback_answer"),
    path("feedback/<int:pk>/finding/", feedback.FeedbackToFinding.as_view(), name="feedback_finding"),
    path("feedback/<int:pk>/national/", feedback.FeedbackNational.as_view(), name="feedback_mark_national"),
    path("feedback/<int:pk>/close/", feedback.FeedbackClose.as_view(), name="feedback_close"),
    path("feedback/<int:pk>/attachment/", feedback.feedback_attachment, name="feedback_attachment"),
]

from django.urls import path

from supervision.views import cases, deadlines, letters, reports, tasks
from supervision.views import registry as views

app_name = "supervision"


urlpatterns = [
    *views.RegionViews.urls("regions", "region"),
    *views.AuthorityViews.urls("authorities", "authority"),
    *views.PlatformViews.urls("platforms", "platform"),
    *views.VendorViews.urls("vendors", "vendor"),
    *views.ContactViews.urls("contacts", "contact"),
    # --- the deadlines engine ---
    *deadlines.DirectiveViews.urls("directives", "directive", detail=deadlines.DirectiveDetail),
    *deadlines.ObligationViews.urls(
        "obligations", "obligation", detail=deadlines.ObligationDetail, create=deadlines.ObligationCreate
    ),
    path("obligations/campaign/", deadlines.CampaignCreate.as_view(), name="obligation_campaign"),
    path("obligations/<int:pk>/fulfil/", deadlines.ObligationFulfil.as_view(), name="obligation_fulfil"),
    path("obligations/<int:pk>/waive/", deadlines.ObligationWaive.as_view(), name="obligation_waive"),
    path("obligations/<int:pk>/accept/", deadlines.ObligationAccept.as_view(), name="obligation_accept"),
    path(
        "obligations/<int:pk>/return-report/",
        deadlines.ObligationReturnReport.as_view(),
        name="obligation_return_report",
    ),
    path(
        "obligations/<int:pk>/confirm-unmet/",
        deadlines.ObligationConfirmUnmet.as_view(),
        name="obligation_confirm_unmet",
    ),
    path("obligations/<int:pk>/letter/", letters.ObligationLetter.as_view(), name="obligation_letter"),
    path("reports/", reports.ReportList.as_view(), name="report_list"),
    path("reports/<int:pk>/", reports.ReportDetail.as_view(), name="report_detail"),
    path("reports/<int:pk>/progress/", reports.report_progress, name="report_progress"),
    *deadlines.FindingViews.urls("findings", "finding", detail=deadlines.FindingDetail, create=deadlines.FindingCreate),
    path("rules/", deadlines.RuleRegister.as_view(), name="rule_register"),
    path("findings/<int:pk>/dismiss/", deadlines.FindingDismiss.as_view(), name="finding_dismiss"),
    path("cases/", cases.CaseList.as_view(), name="case_list"),
    path("cases/board/", cases.CaseBoard.as_view(), name="case_board"),
    path("cases/new/", cases.CaseOpen.as_view(), name="case_add"),
    path("cases/<int:pk>/", cases.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:pk>/notice.pdf", cases.case_notice, name="case_notice"),
    path("cases/<int:pk>/respond/", cases.CaseRespond.as_view(), name="case_respond"),
    path("cases/<int:pk>/close/", cases.CaseClose.as_view(), name="case_close"),
    path("cases/<int:pk>/return/", cases.CaseReturn.as_view(), name="case_return"),
    path("cases/files/<int:pk>/", cases.response_file, name="case_response_file"),
    path("criticism/", cases.CriticismList.as_view(), name="criticism_list"),
    path("criticism/new/", cases.CriticismDraft.as_view(), name="criticism_add"),
    path("criticism/<int:pk>/", cases.CriticismDetail.as_view(), name="criticism_detail"),
    path("criticism/<int:pk>/edit/", cases.CriticismViews.view("update").as_view(), name="criticism_edit"),
    path("criticism/<int:pk>/approve/", cases.CriticismApprove.as_view(), name="criticism_approve"),
    path("criticism/<int:pk>/publish/", cases.CriticismPublish.as_view(), name="criticism_publish"),
    path("public/criticism/", cases.public_criticism_list, name="public_criticism_list"),
    path("public/criticism/<int:pk>/", cases.public_criticism, name="public_criticism"),
    path("public/criticism/<int:pk>/pdf/", cases.public_criticism_pdf, name="public_criticism_pdf"),
    path("tasks/", tasks.my_tasks, name="my_tasks"),
    path("calendar/", tasks.deadline_calendar, name="calendar"),
    path("inbox/", tasks.inbox, name="inbox"),
    path("inbox/<int:pk>/", tasks.inbox_message, name="inbox_message"),
    path("inbox/read-all/", tasks.inbox_read_all, name="inbox_read_all"),
    path("inbox/badge/", tasks.inbox_badge, name="inbox_badge"),
    path("notifications/", tasks.NotificationList.as_view(), name="notification_list"),
    path("reminder-policy/", tasks.reminder_policy, name="reminder_policy"),
]

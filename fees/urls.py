from django.urls import path

from fees.views import catalogue, complaints, filings, imports, lines, tariffs

app_name = "fees"

urlpatterns = [
    *catalogue.FeeItemViews.urls("items", "feeitem"),
    *catalogue.ProductKindViews.urls("products", "productkind"),
    path("filings/export.xlsx", filings.export, name="feefiling_export"),
    *filings.FilingViews.urls("filings", "feefiling", detail=filings.FilingDetail, create=filings.FilingCreate),
    path("filings/<int:pk>/submit/", filings.FilingSubmit.as_view(), name="feefiling_submit"),
    path("filings/<int:pk>/accept/", filings.FilingAccept.as_view(), name="feefiling_accept"),
    path("filings/<int:pk>/return/", filings.FilingReturn.as_view(), name="feefiling_return"),
    path("filings/<int:pk>/delete/", filings.FilingDelete.as_view(), name="feefiling_delete"),
    path("filings/<int:pk>/lines/", lines.lines_block, name="feefiling_lines"),
    path("filings/<int:pk>/lines/add/", lines.add_line, name="feefilingline_add"),
    path("filings/<int:pk>/lines/<int:line_pk>/edit/", lines.edit_line, name="feefilingline_edit"),
    path("filings/<int:pk>/lines/<int:line_pk>/delete/", lines.delete_line, name="feefilingline_delete"),
    path("vendors/<int:vendor_pk>/history/", filings.vendor_history, name="vendor_history"),
    path("imports/", imports.upload, name="feeimport_add"),
    path("imports/template.xlsx", imports.template, name="feeimport_template"),
    path("imports/<int:pk>/", imports.detail, name="feeimport_detail"),
    path("imports/<int:pk>/progress/", imports.progress, name="feeimport_progress"),
    path("imports/<int:pk>/confirm/", imports.confirm, name="feeimport_confirm"),
    path("tariffs/", tariffs.tariffs, name="tariffs"),
    path("tariffs/export.xlsx", tariffs.tariffs_export, name="tariffs_export"),
    path("tariffs/filings/<int:pk>/", tariffs.public_filing, name="public_filing"),
    path("benchmark/", tariffs.benchmark, name="benchmark"),
    path("benchmark/freeze/", tariffs.freeze, name="benchmark_freeze"),
    path("compare/", tariffs.compare, name="compare"),
    path("breaches/", tariffs.overcharges, name="overcharges"),
    path("complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("complaints/sent/", complaints.complaint_sent, name="complaint_sent"),
    path("complaints/track/", complaints.complaint_track, name="complaint_track"),
    path("complaints/", complaints.ComplaintList.as_view(), name="feecomplaint_list"),
    path("complaints/<int:pk>/", complaints.ComplaintDetail.as_view(), name="feecomplaint_detail"),
    path("complaints/<int:pk>/review/", complaints.ComplaintReview.as_view(), name="feecomplaint_review"),
]

from django.urls import path

from .views import browse, detail, lifecycle, measure, power, register

urlpatterns = [
    path("pilots/", browse.pilot_list, name="pilot-list"),
    path("pilots/<int:pk>/", detail.pilot_detail, name="pilot-detail"),
    path("pilots/<int:pk>/plan.json", detail.pilot_plan_json, name="pilot-plan-json"),
    path("pilots/<int:pk>/plan/<slug:slug>/", register.pilot_step, name="pilot-step"),
    path("pilots/<int:pk>/check/", register.pilot_check, name="pilot-check"),
    path("pilots/<int:pk>/amend/<slug:slug>/", register.pilot_amend, name="pilot-amend"),
    path("pilots/<int:pk>/start/", lifecycle.pilot_start, name="pilot-start"),
    path("pilots/<int:pk>/end-early/", lifecycle.pilot_end_early, name="pilot-end-early"),
    path("pilots/<int:pk>/result/", lifecycle.pilot_record_result, name="pilot-result"),
    path("pilots/<int:pk>/publish/", lifecycle.pilot_publish, name="pilot-publish"),
    path("pilots/<int:pk>/sharing/", lifecycle.pilot_sharing, name="pilot-sharing"),
    path("pilots/<int:pk>/measure/", measure.measure_hub, name="measure"),
    path("pilots/<int:pk>/measure/upload/", measure.measure_upload, name="measure-upload"),
    path("pilots/<int:pk>/measure/upload/<slug:token>/columns/", measure.measure_columns, name="measure-columns"),
    path("pilots/<int:pk>/measure/upload/<slug:token>/comparison/", measure.measure_control, name="measure-control"),
    path("pilots/<int:pk>/measure/figures/", measure.measure_summary, name="measure-summary"),
    path("pilots/<int:pk>/analyses/<int:analysis_pk>/", measure.analysis_detail, name="analysis-detail"),
    path("pilots/<int:pk>/report/", measure.pilot_report, name="pilot-report"),
    path("tools/power/", power.power_calculator, name="power-calculator"),
]

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vangnet.accounts.decorators import staff_view
from vangnet.core.access import Action, may
from vangnet.core.audit import access_point_of
from vangnet.monitor import disclosure, exports, report, selectors, services
from vangnet.monitor.forms import MonitorForm, ThresholdForm
from vangnet.monitor.models import DisclosureThreshold


def _year_from(request: HttpRequest, years: list[int]) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if year in years else None


@staff_view(Action.MONITOR_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    years = selectors.available_years().years
    form = MonitorForm(request.GET or None, years=years)
    year, granularity, filters = form.values(years)
    result = selectors.monitor_figures(
        user=request.user, year=year, granularity=granularity, filters=filters
    )
    return render(
        request,
        "monitor/dashboard.html",
        {
            "form": form,
            "result": result,
            "charts": report.charts_for(result),
            "synthetic": selectors.includes_synthetic(),
            "may_export": may(request.user, Action.MONITOR_EXPORT),
            "may_set_threshold": may(request.user, Action.MONITOR_SET_THRESHOLD),
            "query": request.GET.urlencode(),
        },
    )


@staff_view(Action.MONITOR_EXPORT)  # type: ignore[arg-type]  # a streaming response
def export(request: HttpRequest) -> HttpResponseBase:
    years = selectors.available_years().years
    year = _year_from(request, years)
    fmt = request.GET.get("format", "csv")
    name = f"vangnet-contacts-{year or 'all'}"
    services.log_export(
        by=request.user,
        role=request.role,  # type: ignore[attr-defined]
        what=f"contacts {fmt} year={year or 'all'}",
        access_point=access_point_of(request),
    )
    if fmt == "parquet":
        data = exports.to_parquet(selectors.export_rows(user=request.user, year=year))
        response = HttpResponse(data, content_type="application/vnd.apache.parquet")
        response["Content-Disposition"] = f'attachment; filename="{name}.parquet"'
        return response
    streaming = StreamingHttpResponse(
        selectors.export_csv(user=request.user, year=year), content_type="text/csv; charset=utf-8"
    )
    streaming["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streaming


@staff_view(Action.MONITOR_VIEW)
def yearly_report(request: HttpRequest) -> HttpResponse:
    years = selectors.available_years().years
    year = _year_from(request, years) or years[-1]
    fmt = "pdf" if request.GET.get("format") == "pdf" else "html"
    services.log_export(
        by=request.user,
        role=request.role,  # type: ignore[attr-defined]
        what=f"report {fmt} year={year}",
        access_point=access_point_of(request),
    )
    content = report.render(year=year, min_cell=disclosure.current_min_cell(), fmt=fmt)
    if fmt == "pdf":
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="vangnet-report-{year}.pdf"'
        return response
    return HttpResponse(content, content_type="text/html; charset=utf-8")


@staff_view(Action.MONITOR_SET_THRESHOLD)
def threshold(request: HttpRequest) -> HttpResponse:
    form = ThresholdForm(request.POST or None, initial={"min_cell": disclosure.current_min_cell()})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_threshold(
                by=request.user,
                min_cell=form.cleaned_data["min_cell"],
                access_point=access_point_of(request),
            )
        except services.MonitorError as err:
            form.add_error("min_cell", str(err))
        else:
            messages.success(request, _("The smallest count shown is changed and logged."))
            return redirect("monitor:threshold")
    return render(
        request,
        "monitor/threshold.html",
        {
            "form": form,
            "current": disclosure.current_min_cell(),
            "history": DisclosureThreshold.objects.select_related("set_by")[:50],
        },
    )

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.core.access import AccessDenied, Action, may
from vangnet.core.audit import access_point_of
from vangnet.monitor import disclosure, microdata, report, selectors, services
from vangnet.monitor import projects as projects_service
from vangnet.monitor.forms import MonitorForm, ProjectForm, ThresholdForm
from vangnet.monitor.models import DisclosureThreshold, ResearchProject


def _year_from(request: StaffRequest, years: list[int]) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if year in years else None


@staff_view(Action.MONITOR_VIEW)
def dashboard(request: StaffRequest) -> HttpResponse:
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
            "feedback": selectors.visitor_feedback(
                user=request.user, year=result.year, min_cell=result.min_cell
            ),
            "synthetic": selectors.includes_synthetic(),
            "may_ask_project": may(request.user, Action.RESEARCH_PROJECT_REQUEST),
            "may_approve_projects": may(request.user, Action.RESEARCH_PROJECT_APPROVE),
            "may_set_threshold": may(request.user, Action.MONITOR_SET_THRESHOLD),
            "query": request.GET.urlencode(),
        },
    )


@staff_view(Action.RESEARCH_PROJECT_REQUEST)
def projects(request: StaffRequest) -> HttpResponse:
    """A researcher's projects, and the form to ask for a new one."""
    form = ProjectForm(request.POST or None, initial={"researchers": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        try:
            project = projects_service.request_project(
                by=request.user, **form.cleaned_data, access_point=access_point_of(request)
            )
        except projects_service.ProjectError as err:
            form.add_error(None, str(err))
        else:
            messages.success(
                request,
                _("Project %(ref)s is asked for; a second person must approve it.")
                % {"ref": project.reference},
            )
            return redirect("monitor:projects")
    return _project_list(request, form)


@staff_view(Action.RESEARCH_PROJECT_APPROVE)
def project_approvals(request: StaffRequest) -> HttpResponse:
    return _project_list(request, None)


def _project_list(request: StaffRequest, form: ProjectForm | None) -> HttpResponse:
    listed = [
        {
            "project": project,
            "running": projects_service.is_running(project),
            "may_export": may(request.user, Action.MONITOR_EXPORT, project),
            "may_approve": project.approved_at is None
            and may(request.user, Action.RESEARCH_PROJECT_APPROVE, project),
        }
        for project in projects_service.visible_projects(request.user)
    ]
    return render(request, "monitor/projects.html", {"form": form, "listed": listed})


@require_POST
@staff_view(Action.RESEARCH_PROJECT_APPROVE)
def approve_project(request: StaffRequest, pk: int) -> HttpResponse:
    project = _project_or_404(pk)
    try:
        projects_service.approve_project(
            by=request.user, project=project, access_point=access_point_of(request)
        )
    except AccessDenied as err:
        raise PermissionDenied(str(err)) from None
    except projects_service.ProjectError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Project %(ref)s is approved.") % {"ref": project.reference})
    return redirect("monitor:project_approvals")


@staff_view(Action.MONITOR_EXPORT)
def project_export(request: StaffRequest, pk: int) -> HttpResponse:
    """The project's coarsened record-level file; every download is logged with the project."""
    project = _project_or_404(pk)
    year = _year_from(request, selectors.available_years().years)  # anything else: all years
    fmt = "parquet" if request.GET.get("format") == "parquet" else "csv"
    try:
        data = selectors.project_microdata(user=request.user, project=project, year=year)
    except AccessDenied as err:
        raise PermissionDenied(str(err)) from None
    projects_service.log_project_export(
        by=request.user,
        role=request.role,
        project=project,
        detail=f"microdata {fmt} year={year or 'all'} {data.summary()}",
        access_point=access_point_of(request),
    )
    name = f"vangnet-{project.reference}-{year or 'all'}"
    if fmt == "parquet":
        response = HttpResponse(
            microdata.to_parquet(data), content_type="application/vnd.apache.parquet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.parquet"'
        return response
    response = HttpResponse("".join(microdata.to_csv(data)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _project_or_404(pk: int) -> ResearchProject:
    try:
        return ResearchProject.objects.get(pk=pk)
    except ResearchProject.DoesNotExist:
        raise Http404 from None


@staff_view(Action.MONITOR_VIEW)
def yearly_report(request: StaffRequest) -> HttpResponse:
    years = selectors.available_years().years
    year = _year_from(request, years) or years[-1]
    fmt = "pdf" if request.GET.get("format") == "pdf" else "html"
    services.log_export(
        by=request.user,
        role=request.role,
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
def threshold(request: StaffRequest) -> HttpResponse:
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

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Key projects")

    def ready(self):
        from plan.figures_cache import PROJECTS, watch_app
        from supervision import registry

        from .report_kind import project_report_kind

        # The supervision cycle reaches this app's reports through the registry.
        registry.register(project_report_kind())
        # Supervision items (督办件) can be about a project.
        from supervision.items import SubjectKind, register_subject

        from .models import Project

        register_subject(
            SubjectKind(
                "project",
                _("project"),
                Project,
                "annex__plan_id",
                "unit_id",
                lambda p: p.name,
                lambda pk: reverse("projects:project-detail", args=[pk]),
            )
        )
        # Project reports and projects stale the project figures; annexes are the structure.
        watch_app(self, {"Project": (PROJECTS,), "ProjectUpdate": (PROJECTS,),
                         "ProjectImport": (PROJECTS,)})  # fmt: skip

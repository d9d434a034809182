"""The routes a module registers: decorators, registration calls and route tables, wherever they sit."""

from __future__ import annotations

import ast
import textwrap

from termshift.literals import registered_routes

SOURCE = textwrap.dedent(
    """
    from django.urls import path as url_path

    @app.get("/jobs/{job_id}")
    async def read_job(job_id): ...

    class Views:
        @bp.route("/queue/<int:job_id>", methods=["POST"])
        def post(self, job_id): ...

        def nested(self):
            @router.delete(path="/jobs/{job_id}/cancel")
            def cancel(job_id): ...
            return cancel

    def setup(app):
        if app:
            app.add_url_rule("/legacy/jobs", view_func=setup)
        patterns = [url_path("reports/<slug:job_name>/", setup)]
        handlers = {"x": web.add_get(path="/health")}

    client.get("/not/registered")     # a request, not a decorator
    fetch = app.get("/not/a/decorator")
    """
)


def test_every_registration_is_found_and_nothing_else() -> None:
    assert registered_routes(ast.parse(SOURCE)) == {
        ("jobs", "*"),
        ("queue", "*"),
        ("jobs", "*", "cancel"),
        ("legacy", "jobs"),
        ("reports", "*"),
        ("health",),
    }

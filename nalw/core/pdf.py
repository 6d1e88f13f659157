"""PDF documents from HTML templates (WeasyPrint)."""

from flask import Response, render_template


def render_pdf(template, filename, **context) -> Response:
    from weasyprint import HTML  # imported here: it is heavy and only PDF views need it

    html = render_template(template, **context)
    pdf = HTML(string=html).write_pdf()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )

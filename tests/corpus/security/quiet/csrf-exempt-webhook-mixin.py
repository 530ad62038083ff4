from django.utils.decorators import method_decorator


class CsrfExemptMixin:
    """Mixes CSRF exemption into signed-webhook views (see csrf_exempt docs)."""

    exempt_reason = "signature checked in dispatch"

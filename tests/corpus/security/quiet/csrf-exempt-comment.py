# Views here never use csrf_exempt: the API authenticates by token.
from django.views.decorators.http import require_POST


@require_POST
def receive(request):
    """Accepts signed callbacks (no @csrf_exempt needed: DRF handles it)."""
    return handle(request)

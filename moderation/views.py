from django.http import HttpResponse


def report_comment(request, pk):
    # Placeholder until the moderation work lands (issue 4).
    return HttpResponse("Reporting is not available yet.", status=503)

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def facility_list(request):
    return HttpResponse("facilities")


practitioner_list = region_list = technique_list = facility_list

from portal.crud import crud_urls as crud
from supervision import views

app_name = "supervision"


urlpatterns = [
    *crud("regions", "region", views.RegionList, views.RegionDetail, views.RegionCreate, views.RegionUpdate),
    *crud(
        "authorities",
        "authority",
        views.AuthorityList,
        views.AuthorityDetail,
        views.AuthorityCreate,
        views.AuthorityUpdate,
    ),
    *crud(
        "platforms", "platform", views.PlatformList, views.PlatformDetail, views.PlatformCreate, views.PlatformUpdate
    ),
    *crud("vendors", "vendor", views.VendorList, views.VendorDetail, views.VendorCreate, views.VendorUpdate),
    *crud("contacts", "contact", views.ContactList, views.ContactDetail, views.ContactCreate, views.ContactUpdate),
]

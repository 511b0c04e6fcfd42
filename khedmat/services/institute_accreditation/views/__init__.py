"""Pages of service 2, one module per seam: `case` (the staff's acts on the case page: binder, scan,
incomplete return, registration, CEO introduction, licence, supervision), `public` (the list of licensed
institutes) and `report` (the service report). Their URLs are the matching modules of `urls`."""

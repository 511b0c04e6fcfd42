"""Pages of service 4, one module per seam: `case` (the dossier sections and the staff's acts on the case
page), `referrals` (the hand-off to SAJAR), `registry` (the public registry), `company` (the staff company
record) and `report` (the service report). Their URLs are the matching modules of `urls`."""

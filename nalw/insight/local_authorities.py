"""The UK's local authority areas, each with the region it lies in: the optional place on a report.

Following the Office for National Statistics' "Local Authority Districts (December 2023) Names and Codes
in the UK" and its "Local Authority District to Region" lookup for England (both under the Open Government
Licence v3.0), names written as the ONS writes them ("Bristol, City of"): England's 296 districts,
metropolitan boroughs, unitary authorities and London boroughs (with the City of London and the Isles of
Scilly), Scotland's 32 council areas, Wales's 22 principal areas and Northern Ireland's 11 districts.
The counts per nation and per English region match the ONS lists; when the ONS publishes boundary
changes, check this list against its file name by name. Names are stored on reports as written here, so
a renamed area keeps its old name on old reports.
"""

from nalw.core.regions import Region

_BY_REGION = {
    Region.NORTH_EAST: [
        "County Durham", "Darlington", "Gateshead", "Hartlepool", "Middlesbrough", "Newcastle upon Tyne",
        "North Tyneside", "Northumberland", "Redcar and Cleveland", "South Tyneside", "Stockton-on-Tees",
        "Sunderland",
    ],
    Region.NORTH_WEST: [
        "Blackburn with Darwen", "Blackpool", "Bolton", "Burnley", "Bury", "Cheshire East",
        "Cheshire West and Chester", "Chorley", "Cumberland", "Fylde", "Halton", "Hyndburn", "Knowsley",
        "Lancaster", "Liverpool", "Manchester", "Oldham", "Pendle", "Preston", "Ribble Valley", "Rochdale",
        "Rossendale", "Salford", "Sefton", "South Ribble", "St. Helens", "Stockport", "Tameside", "Trafford",
        "West Lancashire", "Westmorland and Furness", "Wigan", "Wirral", "Warrington", "Wyre",
    ],
    Region.YORKSHIRE_AND_THE_HUMBER: [
        "Barnsley", "Bradford", "Calderdale", "Doncaster", "East Riding of Yorkshire", "Kingston upon Hull, City of",
        "Kirklees", "Leeds", "North East Lincolnshire", "North Lincolnshire", "North Yorkshire", "Rotherham",
        "Sheffield", "Wakefield", "York",
    ],
    Region.EAST_MIDLANDS: [
        "Amber Valley", "Ashfield", "Bassetlaw", "Blaby", "Bolsover", "Boston", "Broxtowe", "Charnwood",
        "Chesterfield", "Derby", "Derbyshire Dales", "East Lindsey", "Erewash", "Gedling", "Harborough",
        "High Peak", "Hinckley and Bosworth", "Leicester", "Lincoln", "Mansfield", "Melton", "Newark and Sherwood",
        "North East Derbyshire", "North Kesteven", "North Northamptonshire", "North West Leicestershire",
        "Nottingham", "Oadby and Wigston", "Rushcliffe", "Rutland", "South Derbyshire", "South Holland",
        "South Kesteven", "West Lindsey", "West Northamptonshire",
    ],
    Region.WEST_MIDLANDS: [
        "Birmingham", "Bromsgrove", "Cannock Chase", "Coventry", "Dudley", "East Staffordshire",
        "Herefordshire, County of", "Lichfield", "Malvern Hills", "Newcastle-under-Lyme", "North Warwickshire",
        "Nuneaton and Bedworth", "Redditch", "Rugby", "Sandwell", "Shropshire", "Solihull", "South Staffordshire",
        "Stafford", "Staffordshire Moorlands", "Stoke-on-Trent", "Stratford-on-Avon", "Tamworth",
        "Telford and Wrekin", "Walsall", "Warwick", "Wolverhampton", "Worcester", "Wychavon", "Wyre Forest",
    ],
    Region.EAST_OF_ENGLAND: [
        "Babergh", "Basildon", "Bedford", "Braintree", "Breckland", "Brentwood", "Broadland", "Broxbourne",
        "Cambridge", "Castle Point", "Central Bedfordshire", "Chelmsford", "Colchester", "Dacorum",
        "East Cambridgeshire", "East Hertfordshire", "East Suffolk", "Epping Forest", "Fenland",
        "Great Yarmouth", "Harlow", "Hertsmere", "Huntingdonshire", "Ipswich", "King's Lynn and West Norfolk",
        "Luton", "Maldon", "Mid Suffolk", "North Hertfordshire", "North Norfolk", "Norwich", "Peterborough",
        "Rochford", "South Cambridgeshire", "South Norfolk", "Southend-on-Sea", "St Albans", "Stevenage",
        "Tendring", "Three Rivers", "Thurrock", "Uttlesford", "Watford", "Welwyn Hatfield", "West Suffolk",
    ],
    Region.LONDON: [
        "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London", "Croydon",
        "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering",
        "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth",
        "Lewisham", "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
        "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
    ],
    Region.SOUTH_EAST: [
        "Adur", "Arun", "Ashford", "Basingstoke and Deane", "Bracknell Forest", "Brighton and Hove",
        "Buckinghamshire", "Canterbury", "Cherwell", "Chichester", "Crawley", "Dartford", "Dover", "East Hampshire",
        "Eastbourne", "Eastleigh", "Elmbridge", "Epsom and Ewell", "Fareham", "Folkestone and Hythe", "Gosport",
        "Gravesham", "Guildford", "Hart", "Hastings", "Havant", "Horsham", "Isle of Wight", "Lewes", "Maidstone",
        "Medway", "Mid Sussex", "Milton Keynes", "Mole Valley", "New Forest", "Oxford", "Portsmouth", "Reading",
        "Reigate and Banstead", "Rother", "Runnymede", "Rushmoor", "Sevenoaks", "Slough", "South Oxfordshire",
        "Southampton", "Spelthorne", "Surrey Heath", "Swale", "Tandridge", "Test Valley", "Thanet",
        "Tonbridge and Malling", "Tunbridge Wells", "Vale of White Horse", "Waverley", "Wealden",
        "West Berkshire", "West Oxfordshire", "Winchester", "Windsor and Maidenhead", "Woking", "Wokingham",
        "Worthing",
    ],
    Region.SOUTH_WEST: [
        "Bath and North East Somerset", "Bournemouth, Christchurch and Poole", "Bristol, City of", "Cheltenham",
        "Cornwall", "Cotswold", "Dorset", "East Devon", "Exeter", "Forest of Dean", "Gloucester", "Isles of Scilly",
        "Mid Devon", "North Devon", "North Somerset", "Plymouth", "Somerset", "South Gloucestershire",
        "South Hams", "Stroud", "Swindon", "Teignbridge", "Tewkesbury", "Torbay", "Torridge", "West Devon",
        "Wiltshire",
    ],
    Region.WALES: [
        "Blaenau Gwent", "Bridgend", "Caerphilly", "Cardiff", "Carmarthenshire", "Ceredigion", "Conwy",
        "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Merthyr Tydfil", "Monmouthshire",
        "Neath Port Talbot", "Newport", "Pembrokeshire", "Powys", "Rhondda Cynon Taf", "Swansea", "Torfaen",
        "Vale of Glamorgan", "Wrexham",
    ],
    Region.SCOTLAND: [
        "Aberdeen City", "Aberdeenshire", "Angus", "Argyll and Bute", "City of Edinburgh", "Clackmannanshire",
        "Dumfries and Galloway", "Dundee City", "East Ayrshire", "East Dunbartonshire", "East Lothian",
        "East Renfrewshire", "Falkirk", "Fife", "Glasgow City", "Highland", "Inverclyde", "Midlothian", "Moray",
        "Na h-Eileanan Siar", "North Ayrshire", "North Lanarkshire", "Orkney Islands", "Perth and Kinross",
        "Renfrewshire", "Scottish Borders", "Shetland Islands", "South Ayrshire", "South Lanarkshire", "Stirling",
        "West Dunbartonshire", "West Lothian",
    ],
    Region.NORTHERN_IRELAND: [
        "Antrim and Newtownabbey", "Ards and North Down", "Armagh City, Banbridge and Craigavon", "Belfast",
        "Causeway Coast and Glens", "Derry City and Strabane", "Fermanagh and Omagh", "Lisburn and Castlereagh",
        "Mid and East Antrim", "Mid Ulster", "Newry, Mourne and Down",
    ],
}  # fmt: skip

# Every area's name -> its region.
REGION_OF = {name: region for region, names in _BY_REGION.items() for name in names}

# The longest name, so the column fits any of them.
NAME_LENGTH = 60


def local_authority_choices():
    """Choices for the report form: grouped by region (a select's optgroups), alphabetical within each."""
    return {region.label: [(name, name) for name in sorted(names)] for region, names in _BY_REGION.items()}


def region_of(name) -> Region | None:
    return REGION_OF.get(name)

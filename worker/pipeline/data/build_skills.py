"""Build the shipped skills vocabulary from the hand-written list, O*NET 29.2 and ESCO v1.1.1.

    python -m worker.pipeline.data.build_skills /work/shared/data

reads ``skills.txt`` (hand-written; it wins every conflict and declares the family tree),
``onet/technology_skills.txt`` and ``esco/{skills_en,digital_skills_en}.csv`` under the given
folder, and writes ``skills.tsv`` and ``skill_families.tsv`` beside this file. The app loads only
those two files; this script is for maintainers refreshing them.

Choices, in the order they are applied:

* O*NET: technology examples flagged Hot Technology or In Demand, or listed for at least three
  occupations (two for software-development commodities). "software" suffixes are stripped,
  a trailing acronym becomes an alias ("Extensible markup language XML" -> XML), and a known
  vendor prefix yields a vendor-less alias ("Microsoft Excel" -> Excel). The family comes from the
  commodity title, corrected by a few name rules.
* ESCO: knowledge concepts of at most four words, the digital-skills collection and languages;
  verb phrases ("manage musical staff"), "types of ...", industries and product lists are
  skipped. A family comes from label and description keywords; concepts no family rule claims
  are left out. altLabels become aliases only when short and close to the label.
* Ambiguity: every single-word alias is checked against ``everyday_words.txt`` (everyday English
  words such as access, chef, spark, make): those become case-sensitive, and the most common or
  plainly ambiguous ones (``_DROP_WORDS``) are dropped. Aliases of one or two letters are
  case-sensitive, or dropped when written in lower case.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from worker.pipeline.skills import SkillRecord, alias_key, parse_hand_lines

HERE = Path(__file__).resolve().parent


def _wordset(text: str, sep: str | None = None) -> frozenset[str]:
    """The words (or ';'-separated phrases) of a block of text, whitespace normalised."""
    return frozenset(" ".join(item.split()) for item in text.split(sep) if item.strip())


# Single words that are too ambiguous to match even when capitalised, whatever a source says.
_DROP_WORDS = _wordset(
    """access teams project office dynamics chef make ant salt spring scheme docs sheets slides
    forms drive meet chat database databases cloud server servers analytics data software system
    systems platform suite studio desktop mobile online web enterprise professional standard
    express basic visual center centre manager management planner planning designer builder
    maker works workbench works tools tool toolkit kit office365 one note notes paint publisher
    lens shield guard sentinel compass atlas bridge canvas anchor pilot navigator insight insights
    vision view viewer reader writer editor player recorder monitor tracker track connect link
    sync cloud box shape shapes pages numbers keynote photos mail calendar contacts maps translate
    classroom sites groups assistant search store wallet pay fit health home homes direct smart
    elements element core common express edge forms flow flows logic origin quest apex arena
    agent agents vault harvest harbor harbour portal gateway pulse spectrum focus summit fusion
    sketch unity matrix nexus prism vector stream streams signal signals beacon beam storm
    avenue crystal genesis horizon impact mosaic momentum evolve journey"""
)

# Aliases that O*NET or ESCO give but that say something else in a posting.
_BAD_ALIASES = _wordset(
    """erp crm database cloud ide lms ehr emr cms hris pos mes wms cad cam gis bi etl sql server
    windows shell script scripting design office mail email"""
)

# Names that would only add noise: generic or misleading in postings.
_SKIP_NAMES = _wordset(
    """facebook myspace twitter linkedin instagram youtube tiktok snapchat pinterest reddit
    google web browser software internet e-mail email"""
)

_SMALL_WORDS = _wordset("a an and as at by for from in of on or the to with via vs")

# O*NET commodity titles -> families declared in skills.txt.
COMMODITY_FAMILIES = {
    "Access software": "operating systems",
    "Accounting software": "accounting",
    "Action games": "game development",
    "Administration software": "it operations",
    "Analytical or scientific software": "scientific software",
    "Application server software": "back-end",
    "Audit software": "audit",
    "Authentication server software": "cybersecurity",
    "Aviation ground support software": "transport",
    "Backup or archival software": "it operations",
    "Bar coding software": "supply chain",
    "Bridge software": "networking",
    "Business intelligence and data analysis software": "business intelligence",
    "Calendar and scheduling software": "office software",
    "Categorization or classification software": "data analysis",
    "Charting software": "data visualization",
    "Cloud-based data access and sharing software": "collaboration tools",
    "Cloud-based management software": "cloud",
    "Cloud-based protection or security software": "cybersecurity",
    "Clustering software": "it operations",
    "Communications server software": "networking",
    "Compiler and decompiler software": "developer tools",
    "Compliance software": "compliance",
    "Computer aided design CAD and computer aided manufacturing CAM system": "cad",
    "Computer aided design CAD software": "cad",
    "Computer aided manufacturing CAM software": "manufacturing",
    "Computer based training software": "e-learning",
    "Computer imaging software": "graphic design",
    "Configuration management software": "devops",
    "Contact center software": "customer service",
    "Content workflow software": "collaboration tools",
    "Customer relationship management CRM software": "crm",
    "Data base management system software": "databases",
    "Data base reporting software": "business intelligence",
    "Data base user interface and query software": "databases",
    "Data compression software": "it operations",
    "Data conversion software": "data engineering",
    "Data mining software": "data analysis",
    "Desktop communications software": "collaboration tools",
    "Desktop publishing software": "desktop publishing",
    "Development environment software": "developer tools",
    "Device drivers or system software": "operating systems",
    "Dictionary software": "office software",
    "Document management software": "office software",
    "Electronic mail software": "office software",
    "Enterprise application integration software": "back-end",
    "Enterprise resource planning ERP software": "erp",
    "Enterprise system management software": "it operations",
    "Expert system software": "artificial intelligence",
    "Facilities management software": "facilities management",
    "Fax software": "office software",
    "File versioning software": "developer tools",
    "Filesystem software": "operating systems",
    "Financial analysis software": "financial analysis",
    "Flight control software": "transport",
    "Foreign language software": "spoken languages",
    "Gateway software": "networking",
    "Geographic information system": "gis",
    "Graphical user interface development software": "front-end",
    "Graphics card driver software": "operating systems",
    "Graphics or photo imaging software": "graphic design",
    "Helpdesk or call center software": "customer service",
    "Human resources software": "human resources",
    "Industrial control software": "industrial automation",
    "Information retrieval or search software": "databases",
    "Instant messaging software": "collaboration tools",
    "Interactive voice response software": "customer service",
    "Internet browser software": "office software",
    "Internet directory services software": "it operations",
    "Internet protocol IP multimedia subsystem software": "networking",
    "Inventory management software": "supply chain",
    "LAN software": "networking",
    "Label making software": "office software",
    "Legal management software": "legal",
    "Library software": "information management",
    "License management software": "it operations",
    "Mailing and shipping software": "supply chain",
    "Manufacturing execution system MES software": "manufacturing",
    "Map creation software": "gis",
    "Materials requirements planning logistics and supply chain software": "supply chain",
    "Medical software": "health care software",
    "Metadata management software": "data engineering",
    "Mobile location based services software": "transport",
    "Mobile messaging service software": "collaboration tools",
    "Mobile operator specific application software": "mobile development",
    "Multi-media educational software": "e-learning",
    "Music or sound editing software": "audio and video production",
    "Network connectivity terminal emulation software": "networking",
    "Network conferencing software": "collaboration tools",
    "Network monitoring software": "networking",
    "Network operating system enhancement software": "networking",
    "Network operation system software": "networking",
    "Network security and virtual private network VPN equipment software": "cybersecurity",
    "Network security or virtual private network VPN management software": "cybersecurity",
    "Object or component oriented development software": "programming languages",
    "Object oriented data base management software": "databases",
    "Office suite software": "office software",
    "Operating system software": "operating systems",
    "Optical character reader OCR or scanning software": "office software",
    "Optical network management software": "networking",
    "Pattern design software": "cad",
    "Platform interconnectivity software": "networking",
    "Point of sale POS software": "retail",
    "Portal server software": "web development",
    "Presentation software": "office software",
    "Printer driver software": "operating systems",
    "Procedure management software": "quality management",
    "Process mapping and design software": "business analysis",
    "Procurement software": "procurement",
    "Program testing software": "software testing",
    "Project management software": "project management",
    "Requirements analysis and system architecture software": "software engineering",
    "Risk management data and analysis software": "risk management",
    "Route navigation software": "transport",
    "Sales and marketing software": "marketing",
    "Software defined networking/ virtualization software": "cloud",
    "Spell checkers": "office software",
    "Spreadsheet software": "office software",
    "Storage media loading software": "it operations",
    "Storage networking software": "cloud",
    "Switch or router software": "networking",
    "Tax preparation software": "tax",
    "Time accounting software": "human resources",
    "Transaction security and virus protection software": "cybersecurity",
    "Transaction server software": "back-end",
    "Video conferencing software": "collaboration tools",
    "Video creation and editing software": "audio and video production",
    "Voice recognition software": "artificial intelligence",
    "Voice synthesizer and recognition software": "artificial intelligence",
    "WAN switching software and firmware": "networking",
    "Web page creation and editing software": "web development",
    "Web platform development software": "web development",
    "Wireless software": "networking",
    "Word processing software": "office software",
}

# Commodities where two occupations are enough to include an example.
_SOFTWARE_COMMODITIES = _wordset(
    """Development environment software;Object or component oriented development software;
    Web platform development software;Data base management system software;Program testing
    software;Operating system software;Configuration management software;Business intelligence
    and data analysis software;Data mining software;Cloud-based management software;Application
    server software;Enterprise application integration software;File versioning software;
    Graphical user interface development software;Object oriented data base management software;
    Network security or virtual private network VPN management software""",
    ";",
)

# Name rules that beat the commodity title (O*NET files AWS under "query software").
NAME_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    (family, re.compile(pattern, re.IGNORECASE))
    for family, pattern in [
        (
            "e-learning",
            r"\b(blackboard|moodle|desire2learn|d2l|sakai|canvas lms|schoology|"
            r"learning management|lms)\b",
        ),
        (
            "cybersecurity",
            r"\b(ghidra|ida pro|binary ninja|disassembler|nmap|nessus|"
            r"metasploit|burp|wireshark|encase|ftk|cyberark|qualys|rapid7|mcafee|symantec|"
            r"norton|kali|snort|att&ck)\b",
        ),
        (
            "software testing",
            r"\b(jmeter|loadrunner|junit|testng|cucumber|selenium|"
            r"silktest|testcomplete|quick test|soapui)\b",
        ),
        (
            "cloud",
            r"\b(amazon web services|aws|azure|google cloud|openstack|cloudformation|"
            r"amazon (ec2|s3|elastic|simple|redshift|lambda)|heroku|vmware|hyper-v|citrix|"
            r"virtuali[sz])",
        ),
        (
            "sql databases",
            r"\b(sql|mysql|postgres|oracle database|db2|sybase|teradata|"
            r"mariadb|sqlite|informix|redshift)\b",
        ),
        (
            "nosql databases",
            r"\b(nosql|mongodb|cassandra|couchdb|couchbase|hbase|neo4j|"
            r"dynamodb|redis|elasticsearch|marklogic)\b",
        ),
        (
            "big data",
            r"\b(hadoop|hive|spark|pig|kafka|flink|storm|oozie|sqoop|flume|"
            r"databricks|mapreduce|impala|presto)\b",
        ),
        (
            "machine learning",
            r"\b(tensorflow|pytorch|keras|scikit|machine learning|"
            r"deep learning|caffe|theano|mxnet|h2o|xgboost)\b",
        ),
        ("statistics", r"\b(spss|sas|stata|minitab|statistica|jmp|eviews|statistical)\b"),
        (
            "front-end",
            r"\b(react|angular|vue|jquery|ajax|bootstrap|css|html|ember|backbone|"
            r"javascript|typescript|redux|svelte)\b",
        ),
        (
            "devops",
            r"\b(jenkins|docker|kubernetes|ansible|puppet|chef|terraform|bamboo|"
            r"travis|circleci|openshift|nagios|splunk|gitlab)\b",
        ),
        (
            "operating systems",
            r"\b(linux|unix|windows|macos|mac os|ios|android|solaris|"
            r"aix|hp-ux|ubuntu|debian|red hat|centos|fedora|z/os)\b",
        ),
        (
            "health care software",
            r"\b(ehr|emr|epic|cerner|meditech|eclinicalworks|"
            r"allscripts|athenahealth|dentrix|nextgen|practice management|medical)\b",
        ),
        ("accounting", r"\b(quickbooks|sage 50|peachtree|xero|freshbooks|accounting)\b"),
        ("crm", r"\b(salesforce|hubspot|zoho crm|crm)\b"),
        (
            "erp",
            r"\b(sap|oracle (e-business|peoplesoft|jd edwards|netsuite|hyperion)|"
            r"peoplesoft|netsuite|workday|dynamics|erp)\b",
        ),
        (
            "cad",
            r"\b(autocad|solidworks|revit|microstation|catia|inventor|creo|"
            r"sketchup|civil 3d|nx|cad)\b",
        ),
        (
            "office software",
            r"\b(microsoft (office|word|excel|outlook|powerpoint|access|"
            r"onenote|publisher|visio)|google (docs|sheets|slides|workspace)|libreoffice)\b",
        ),
        (
            "collaboration tools",
            r"\b(slack|zoom|webex|microsoft teams|sharepoint|confluence|"
            r"trello|asana|basecamp)\b",
        ),
    ]
]

# ESCO: label and description keywords -> family. First match wins; labels are tried first.
ESCO_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    (family, re.compile(pattern, re.IGNORECASE))
    for family, pattern in [
        (
            "programming languages",
            r"programming paradigms in|\(computer programming\)|"
            r"programming language",
        ),
        ("e-learning", r"learning management system|e-learning"),
        (
            "cybersecurity",
            r"penetration testing|cyber|security (threat|weakness|vulnerab)|"
            r"\bict security|encryption|firewall|malware|intrusion|cryptograph",
        ),
        ("databases", r"\bdatabase|\bquery language|\bsql\b|data warehous|data storage"),
        ("machine learning", r"machine learning|neural network|deep learning"),
        (
            "artificial intelligence",
            r"artificial intelligence|\bai\b|computer vision|"
            r"natural language processing|robotic process|cognitive computing",
        ),
        (
            "data analysis",
            r"data mining|data analytics|data analysis|data quality|"
            r"big data|business intelligence|online analytical|\bdata model",
        ),
        ("statistics", r"^statistics|statistical|biostatistic|econometric"),
        (
            "cloud",
            r"cloud (computing|technolog|platform|service)|\bsaas\b|\bpaas\b|"
            r"virtuali[sz]ation",
        ),
        (
            "devops",
            r"devops|continuous integration|configuration management tool|"
            r"deployment automation",
        ),
        (
            "networking",
            r"\bnetwork (protocol|engineering|management|architecture)|"
            r"\btelecommunication|\brouter|\bnetworking\b|\bwireless\b|\bip telephony",
        ),
        (
            "software testing",
            r"software (testing|anomalies)|\btest automation|\bunit test|"
            r"ict testing|testing (tool|framework)",
        ),
        ("game development", r"\bgame (engine|development|design)|video game"),
        (
            "web development",
            r"\bweb (development|programming|applications?|framework|"
            r"content management|analytics|server)|\bcontent management system|\bwebsite",
        ),
        ("mobile development", r"\bmobile (operating|device software|app)"),
        ("operating systems", r"\boperating system"),
        (
            "embedded systems",
            r"\bembedded system|\bfirmware|microprocessor|"
            r"\bfield-programmable",
        ),
        (
            "software engineering",
            r"software (development|design|architecture|engineering|"
            r"framework|component|metric|quality)|\bagile\b|\bscrum\b|\bwaterfall\b|"
            r"\bsystems development|\bsoftware config|\bprogramming\b|\bdevelopment methodolog",
        ),
        (
            "it operations",
            r"\bict (infrastructure|system|support|service|process|"
            r"environment|performance|problem|capacity|recovery)|\bsystem administration|"
            r"\bhelp desk|\bservice desk|\bitil\b",
        ),
        (
            "graphic design",
            r"\bgraphic|\btypograph|\billustration\b|\bvisual design|"
            r"\bcolour theory|\bcolor theory|\bdigital imaging|\bimage editing",
        ),
        (
            "ux design",
            r"\buser experience|\busability|\buser interface|\binteraction design|"
            r"\buser-centred|\buser centred|\baccessibility",
        ),
        ("3d and animation", r"\b3d\b|\banimation|\bmotion capture|\brendering"),
        (
            "audio and video production",
            r"\bvideo|\baudio|\bsound (editing|engineering|"
            r"recording)|\bpost-production|\bcinematograph|\bfilm (editing|production)|"
            r"\bphotograph|\bcamera",
        ),
        (
            "cad",
            r"\bcomputer-aided design|\bcad\b|\btechnical drawing|\bdrafting|"
            r"\bblueprint",
        ),
        ("desktop publishing", r"\bdesktop publishing|\bprepress|\bprinting techniques"),
        (
            "product management",
            r"\bproduct (management|development|life-cycle|lifecycle|"
            r"roadmap|strategy)",
        ),
        ("project management", r"\bproject management|\bprince2|\bproject planning"),
        (
            "business analysis",
            r"\bbusiness (analysis|process|requirement|model|"
            r"intelligence)|\brequirements (analysis|engineering|elicitation)|\bprocess "
            r"modelling",
        ),
        (
            "digital marketing",
            r"\bonline marketing|\bdigital marketing|\bsocial media|"
            r"\bsearch engine|\bseo\b|\bpay-per-click|\be-mail marketing|\bemail marketing|"
            r"\bweb analytics|\bcontent marketing|\baffiliate marketing",
        ),
        (
            "marketing",
            r"\bmarketing|\badvertis|\bbranding\b|\bbrand management|"
            r"\bmarket research|\bpublic relations|\bmedia planning|\bcopywriting",
        ),
        (
            "sales",
            r"\bsales\b|\bselling|\btelemarketing|\bnegotiat|\bmerchandis|"
            r"\blead generation|\bprocurement of sales",
        ),
        (
            "customer service",
            r"\bcustomer (service|care|support|satisfaction|experience|"
            r"relationship)|\bcall centre|\bcall center|\bcomplaint",
        ),
        ("e-commerce", r"\be-commerce|\becommerce|\bonline (shop|store|retail)|\be-tailing"),
        ("tax", r"\btax(ation|es)?\b|\bvat\b|\bcustoms duties"),
        ("audit", r"\baudit"),
        ("insurance", r"\binsurance|\breinsurance|\bactuarial|\bunderwriting|\bclaims"),
        (
            "banking",
            r"\bbanking|\bbank\b|\bloans?\b|\bmortgage|\bcredit (risk|analysis|card)|"
            r"\bpayment|\bsecurities|\bforeign exchange|\bmicrofinance|\binvestment|\bfunds?\b|"
            r"\bstock market|\btrading\b|\bderivatives|\bportfolio",
        ),
        (
            "accounting",
            r"\baccounting|\bbookkeeping|\bledger|\bfinancial statements|"
            r"\bpayroll|\binvoic|\bdepreciation|\baccounts (payable|receivable)|\bifrs\b|"
            r"\bgaap\b|\bcost accounting",
        ),
        (
            "financial analysis",
            r"\bfinancial (analysis|forecast|model|planning|management|"
            r"product|market|statement|risk|engineering)|\bbudget|\bcorporate finance|"
            r"\bvaluation|\bpublic finance|\bfinance\b|\beconomics|\bcapital",
        ),
        ("risk management", r"\brisk (management|assessment|analysis)|\binternal control"),
        (
            "nursing",
            r"\bnursing|\bnurse|\bmidwif|\bpatient care|\bwound care|"
            r"\bcare plan|\bperson centred care|\bperson-centred care|\bpalliative|"
            r"\binfection control|\bvital signs|\bmedication administration",
        ),
        (
            "pharmacy",
            r"\bpharmac|\bdrugs?\b|\bmedicines?\b|\bmedication|\bdosage|"
            r"\banalgesic|\bantibiotic|\bprescri",
        ),
        (
            "dental care",
            r"\bdental|\bdentist|\borthodont|\bperiodont|\boral health|"
            r"\bendodont|\bprosthodont|\bstomatolog",
        ),
        (
            "mental health",
            r"\bpsychiatr|\bpsycholog|\bmental (health|illness|disorder)|"
            r"\bpsychotherap|\bcounselling|\bcounseling|\bbehavioural therapy|\baddiction|"
            r"\bsubstance abuse|\bpsychopatholog",
        ),
        (
            "therapy and rehabilitation",
            r"\bphysiotherap|\bphysical therapy|"
            r"\boccupational therapy|\brehabilitation|\bspeech (therapy|and language)|"
            r"\bkinesi|\bmassage|\bergotherap|\borthotic|\bprosthetic|\bchiropract|"
            r"\bpodiatr|\bchiropod|\baudiolog|\boptometr|\borthopt|\bdietetic|\bnutrition",
        ),
        (
            "clinical laboratory",
            r"\blaboratory|\bclinical (chemistry|biochemistry|"
            r"microbiology|biology|cytology)|\bhaematolog|\bhematolog|\bhistolog|"
            r"\bcytolog|\bpatholog|\bimmunolog|\bserolog|\bblood (sample|test|transfusion)|"
            r"\bspecimen|\bmicroscop|\bchromatograph|\bspectrometr",
        ),
        (
            "emergency care",
            r"\bemergency (medicine|care|medical)|\bfirst aid|"
            r"\bresuscitation|\bdefibrillat|\btriage|\bparamedic|\btrauma",
        ),
        (
            "health care administration",
            r"\bhealth ?care (system|legislation|"
            r"administration|management|records|policy)|\bmedical (records|terminology|"
            r"informatics|coding)|\bhealth informatics|\bpatient records|\bclinical coding",
        ),
        (
            "clinical medicine",
            r"\bmedicine\b|\bmedical\b|\bclinical\b|\bsurg|"
            r"\bdisease|\bdisorders?\b|\bpatients?\b|\banatomy|\bphysiology|\bdiagnos|"
            r"\bradiolog|\bradiograph|\bradiother|\boncolog|\bcardiolog|\bneurolog|"
            r"\bdermatolog|\bpaediatric|\bpediatric|\bgeriatric|\bgynaecolog|\bobstetric|"
            r"\burolog|\bophthalmolog|\bendocrinolog|\bgastroenterolog|\bepidemiolog|"
            r"\bvirolog|\bneonat|\banaesthe|\banesthe|\bintubation|\bendoscop|"
            r"\bimmunis|\bvaccin|\bhealth ?care\b|\bhealth promotion|\bpublic health",
        ),
        (
            "veterinary",
            r"\bveterinar|\banimal (health|welfare|anatomy|physiology|"
            r"nutrition|behaviour|husbandry)",
        ),
        (
            "supply chain",
            r"\blogistic|\bsupply chain|\bwarehous|\binventory|\bfreight|"
            r"\bshipping|\bcargo|\bdistribution (centre|management)|\bstock control|"
            r"\btransport(ation)? (management|logistics)|\bintermodal|\bcustoms\b|"
            r"\bfleet management",
        ),
        (
            "procurement",
            r"\bprocurement|\bpurchasing|\btender(ing)?\b|\bsupplier|"
            r"\bvendor management|\bsourcing",
        ),
        (
            "quality management",
            r"\bquality (assurance|control|management|standards|"
            r"system)|\biso 9001|\bsix sigma|\bstatistical process control|\binspection",
        ),
        (
            "lean and continuous improvement",
            r"\blean\b|\bkaizen|\b5s\b|\bcontinuous "
            r"improvement|\bkanban|\bhoshin|\bsmed\b|\bjust-in-time|\bjust in time|"
            r"\btotal productive",
        ),
        (
            "human resources",
            r"\bhuman resource|\brecruit|\bpersonnel|\bemployment law|"
            r"\blabour law|\blabor law|\bworkforce|\bpayroll|\bcompensation|\bonboarding|"
            r"\btalent|\bperformance appraisal|\boutplacement|\bemployee",
        ),
        (
            "health and safety",
            r"\bhealth and safety|\boccupational (health|safety)|"
            r"\bsafety (regulations|standards|procedures|measures|legislation|equipment)|"
            r"\bhazard|\bprotective equipment|\bfire (safety|prevention|protection)|"
            r"\bosha\b|\bradiation protection|\bcontamination|\bergonomic",
        ),
        (
            "compliance",
            r"\bcompliance|\bregulations?\b|\blegislation|\bgdpr|\bstandards\b|"
            r"\bdata protection|\bprivacy",
        ),
        (
            "legal",
            r"\blaw\b|\blegal|\bcontract|\blitigation|\bpatent|\btrademark|"
            r"\bintellectual property|\bconveyancing|\bjurisprud|\bcourt\b|\bcriminal",
        ),
        (
            "facilities management",
            r"\bfacilit(y|ies) management|\bbuilding maintenance|"
            r"\bcleaning (industry|methods|products|techniques)|\bjanitor|\bproperty management",
        ),
        (
            "operations management",
            r"\boperations management|\bbusiness management|"
            r"\bstrategic planning|\bchange management|\bbusiness continuity|\bmanagement "
            r"(principles|science|systems)|\borganisational|\borganizational",
        ),
        (
            "administration",
            r"\boffice (administration|management|procedures)|\bclerical|"
            r"\bsecretar|\brecords management|\bdocument management|\barchiv|\bfiling|"
            r"\bshorthand|\bstenograph|\btouch typing|\bdata entry",
        ),
        (
            "welding and metalwork",
            r"\bweld|\bsolder|\bbraz(e|ing)|\bmetalwork|\bforging|"
            r"\bmetal (fabrication|forming|joining|cutting|processing|working|coating)|"
            r"\bmachining|\blathe|\bmilling machine|\bsheet metal|\bgalvani|\belectroplat|"
            r"\bsmelting|\bmetallurg|\bfoundry|\bcasting\b|\bblacksmith|\bboilermak|"
            r"\bcnc\b|\bpipefitting",
        ),
        (
            "electrical trades",
            r"\belectric(al|ity)\b|\bwiring|\belectrician|\bcircuit|"
            r"\bvoltage|\bsolar (panel|energy|photovoltaic)|\bphotovoltaic|\bpower "
            r"(distribution|transmission|grid)|\belectromechan|\btransformers?\b",
        ),
        (
            "plumbing and hvac",
            r"\bplumb|\bhvac|\bheating|\bventilation|\bair condition|"
            r"\brefrigera|\bboiler|\bpiping|\bpipes?\b|\bsanitary|\bdrainage|\bgas (fitting|"
            r"installation|supply)|\bheat pump|\bsprinkler|\bwater supply",
        ),
        (
            "woodworking",
            r"\bcarpent|\bjoinery|\bwoodwork|\bwood (turning|carving|"
            r"finishing|product|processing|cutting)|\btimber|\bcabinet|\bfurniture|"
            r"\bsawmill|\bwoodturning|\bupholster",
        ),
        (
            "construction trades",
            r"\bconstruction|\bbuilding (code|regulation|material|"
            r"technique|system|method)|\bmasonry|\bbricklay|\bconcrete|\broofing|\bplaster|"
            r"\bscaffold|\bdrywall|\btiling|\binsulation|\bdemolition|\bexcavat|\bcivil "
            r"engineering|\bsurveying|\bglazing|\bflooring|\bpaving|\bformwork|\bstonemason|"
            r"\bpainting (techniques|equipment)|\bwall covering|\bcrane",
        ),
        (
            "automotive",
            r"\bautomotive|\bvehicles?\b|\bmotor vehicle|\bcar\b|\bcars\b|"
            r"\bengines?\b|\bbrak(e|ing)|\btransmission system|\bdiesel|\btyres?\b|\btires?\b|"
            r"\bbodywork|\bautomobile|\bmotorcycle|\bbicycle",
        ),
        (
            "industrial automation",
            r"\bautomation|\bplc\b|\bprogrammable logic|\bscada|"
            r"\brobotic|\bcontrol systems?\b|\binstrumentation|\bmechatronic|\bsensors?\b",
        ),
        (
            "machinery and maintenance",
            r"\bmachinery|\bmachines?\b|\bhydraulic|\bpneumatic|"
            r"\bmechanical (system|component|engineering)|\bmechanics\b|\bmaintenance|"
            r"\bequipment repair|\bturbine|\bpumps?\b|\bcompressors?\b|\bbearings?\b|"
            r"\blubricat|\btools\b",
        ),
        (
            "manufacturing",
            r"\bmanufactur|\bproduction (process|line|planning|method)|"
            r"\bindustrial (engineering|process|design)|\bassembly\b|\bplastics?\b|"
            r"\btextile|\bpackaging|\bprinting|\bmoulding|\bmolding|\bextrusion|"
            r"\bcomposite materials|\bmaterials science",
        ),
        (
            "agriculture",
            r"\bagricultur|\bfarm|\bcrops?\b|\blivestock|\bhorticult|"
            r"\birrigation|\bsoil\b|\bfertili[sz]|\bpesticide|\bherbicide|\bforestry|"
            r"\bagronom|\bviticult|\baquacult|\bfisher|\bhydroponic|\baquaponic|\bbeekeep|"
            r"\bgreenhouse|\bgardening|\blandscap",
        ),
        (
            "food and hospitality",
            r"\bfood\b|\bcook|\bculinary|\bbeverage|\bwine|\bbrew|"
            r"\bbaking|\bbakery|\bpastry|\bkitchen|\bcatering|\bhotel|\bhospitality|"
            r"\btourism|\brestaurant|\bhousekeeping|\bbartend|\bcoffee|\bmeat\b|\bdairy",
        ),
        (
            "transport",
            r"\baviation|\baircraft|\bairport|\bmaritime|\bvessels?\b|\bships?\b|"
            r"\brailway|\brail\b|\btrain\b|\btraffic|\bnavigation|\bdriving|\broad transport",
        ),
        (
            "energy",
            r"\benergy|\brenewable|\bnuclear|\bpetroleum|\boil and gas|\bwind "
            r"(turbine|energy|farm)|\bhydroelectric|\bbiogas|\bbiomass|\bfuel",
        ),
        (
            "engineering",
            r"\bengineering|\bthermodynamic|\bfluid mechanics|\baerodynamic|"
            r"\bstrength of materials|\bstructural analysis|\belectronics|\bsemiconductor|"
            r"\boptics|\bphotonic|\bmicrosystem|\bnanotechnolog|\bacoustics",
        ),
        (
            "life sciences",
            r"\bbiolog|\bgenetic|\bmicrobiolog|\bbiochem|\bbotany|\bzoolog|"
            r"\becolog|\bbiotechnolog|\bmolecular|\bcell\b|\bcells\b|\bentomolog|"
            r"\bornitholog|\bmycolog|\bparasitolog|\btoxicolog|\bbioinformatic",
        ),
        (
            "physical sciences",
            r"\bchemistry|\bchemical|\bphysics|\bgeolog|\bgeophys|"
            r"\bmeteorolog|\bclimatolog|\boceanograph|\bastronom|\bseismolog|\bhydrolog|"
            r"\bcartograph|\bgeodesy|\bgeograph|\btopograph|\bmineralog|\bpetrolog|\bspectro",
        ),
        (
            "mathematics",
            r"\bmathemat|\balgebra|\bgeometry|\btrigonometr|\bcalculus|"
            r"\bprobability|\bnumerical|\blogic\b|\boptimi[sz]ation",
        ),
        (
            "teaching",
            r"\bteaching|\bpedagog|\bcurriculum|\beducation|\blearning "
            r"(difficulties|theory|techniques)|\bassessment (processes|methods)|\bdidactic|"
            r"\bschool|\bclassroom|\btutoring|\bspecial needs",
        ),
        (
            "social care",
            r"\bsocial (work|care|services|security)|\bchild (care|protection|"
            r"welfare)|\belderly|\bdisabilit|\bsafeguarding|\bcommunity (care|development)|"
            r"\bvulnerable",
        ),
        (
            "writing and media",
            r"\bjournalism|\bediting|\bpublishing|\bcopy ?writing|"
            r"\bwriting techniques|\btechnical writing|\bbroadcast|\bpublic speaking|"
            r"\brhetoric|\btranslation|\binterpret(ing|ation)|\bproofread|\bgrammar|"
            r"\bspelling|\bstorytelling|\bcontent creation",
        ),
        (
            "arts",
            r"\bmusic|\bdance|\btheatre|\btheater|\bperforming arts|\bart history|"
            r"\bsculpt|\bpainting\b|\bceramic|\bjewel|\bfashion|\bcostume|\bmake-up|"
            r"\bhairdress|\bbeauty|\bcosmetic",
        ),
        (
            "public safety",
            r"\bpolice|\bsecurity (guard|services)|\bsurveillance|"
            r"\bfirefight|\bemergency (response|services|management)|\bdefence|\bdefense|"
            r"\bmilitary|\bforensic|\bcorrectional|\bweapons|\bfirearms",
        ),
    ]
]

# Labels ESCO lists that read as ordinary prose or are not skills anyone lists.
_ESCO_SKIP_WORDS = frozenset(
    """history energy logic politics migration logging protein cameras patents sensors medicines
    consultation spelling grammar ski golf football tennis boxing betting pregnancy obesity
    autism allergies wildlife petroleum graphite adhesives explosives gemstones bristles beeswax
    silvering camouflage hair craftsmanship crafting morality aesthetics ethics database dies
    electricity communication literature philosophy theology religion astrology numerology
    occultism spiritualism metaphysics reflexion similitude tobacco drugs medicines cosmetics
    lactation childbirth babysitting Latin Islam Quran Christianity Buddhism Hinduism Judaism
    decommissioning repossession foreclosure oxidation fuel gas consultation cosmetics yoga
    snowboard ice-skating assertiveness"""
)
_ESCO_SKIP_START = re.compile(
    r"^(types?|kinds?|varieties|variety|categories|characteristics|features|range|components|"
    r"parts|principles|functions|properties|sorts|range|history|trends|theory|theories) of\b",
    re.IGNORECASE,
)
_ESCO_SKIP_END = re.compile(
    r"\b(industry|industries|sector|market|markets|products|components|parts|types|varieties|"
    r"characteristics|features|functions|trends|implications|threats|suppliers|equipment|"
    r"materials|items|goods|ingredients|company|companies|events|projects|offer|offers|"
    r"procedures|processes|principles|concepts|guidelines|philosophies|methods|"
    r"procedures for [a-z]+|activities|systems? of [a-z]+)$",
    re.IGNORECASE,
)
_ALT_NOISE = re.compile(
    r"\b(CS\d|CC|\d+(\.\d+)+|v\d+)\b|^(a|an|the) |\b(skills?|capabilit(y|ies)|approach(es)?|"
    r"performance|knowledge of|ability|use of|principles?|fundamentals|basics|concepts?|"
    r"methods?|techniques?|types?|kinds?|forms?|field of|study of|science of)\b",
    re.IGNORECASE,
)


@dataclass
class Entry:
    canonical: str
    family: str | None
    parent: str | None
    aliases: list[str] = field(default_factory=list)  # with '=' markers
    sources: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    canonical: str  # may carry '='
    family: str | None
    aliases: list[str]  # may carry '='
    source: str
    merge_keys: list[str] = field(default_factory=list)  # other names that identify it
    merge_only: bool = False  # enrich a known skill, never add a new one


def _plain(name: str) -> str:
    return name[1:] if name.startswith("=") else name


def _words(name: str) -> list[str]:
    return re.findall(r"[\w+#.'/&-]+", name)


class Words:
    """Everyday English words (from ``everyday_words.txt``), for deciding case sensitivity."""

    def __init__(self, path: Path, prose: Iterable[str] = ()):
        self.everyday = {
            line.strip().lower()
            for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        counts = Counter(word for text in prose for word in re.findall(r"\b[a-z][a-z-]+\b", text))
        # Words the ESCO and O*NET descriptions use in lower case at least three times.
        self.common = {word for word, n in counts.items() if n >= 3} | self.everyday

    def is_common(self, word: str) -> bool:
        return word.lower() in self.common

    def judge(self, name: str, *, derived: bool = False) -> str | None:
        """'loose', 'exact' (case-sensitive) or None (drop) for one alias or name.

        ``derived`` names (vendor-less forms, acronyms lifted from a long name) are held to a
        stricter standard: an everyday word among them is dropped, not kept case-sensitive.
        """
        plain = _plain(name).strip()
        if not plain:
            return None
        alnum = sum(ch.isalnum() for ch in plain)
        if alnum <= 2 and len(_words(plain)) <= 1:
            return "exact" if plain != plain.lower() and not derived else None
        words = plain.split()
        if len(words) > 1:
            return "loose"
        word = plain.lower()
        if word in _DROP_WORDS or word in _SKIP_NAMES:
            return None
        if word in self.everyday:
            if plain == word:  # an everyday word written in lower case: it is prose
                return None
            return None if derived else "exact"
        return "loose"


class Builder:
    def __init__(self, families: dict[str, str | None], words: Words):
        self.families = families
        self.words = words
        self.entries: dict[str, Entry] = {}
        self.keys: dict[tuple[str, ...], str] = {}
        self.report: Counter[str] = Counter()

    def _claim(self, alias: str, canonical: str) -> bool:
        key = alias_key(_plain(alias))
        if not key:
            return False
        owner = self.keys.setdefault(key, canonical)
        return owner == canonical

    def add_hand(self, record: SkillRecord) -> None:
        canonical = _plain(record.canonical)
        entry = Entry(canonical, record.family, record.parent, sources=["hand"])
        if record.canonical.startswith("="):
            entry.canonical = canonical
            entry.aliases.append(record.canonical)  # keeps the case-sensitive marker
        self.entries[canonical] = entry
        self._claim(canonical, canonical)
        for alias in record.aliases:
            if self._claim(alias, canonical) and _plain(alias) != canonical:
                entry.aliases.append(alias)

    def add(self, candidate: Candidate) -> None:
        names = [candidate.canonical, *candidate.aliases]
        owner = None
        for name in [*names, *candidate.merge_keys]:
            owner = self.keys.get(alias_key(_plain(name)))
            if owner:
                break
        if owner is None:
            if _plain(candidate.canonical) in self.entries or candidate.merge_only:
                return
            owner = _plain(candidate.canonical)
            family = candidate.family
            if family not in self.families:
                self.report[f"no family: {family}"] += 1
                return
            self.entries[owner] = Entry(owner, family, None)
            if candidate.canonical.startswith("="):
                self.entries[owner].aliases.append(candidate.canonical)
            self._claim(owner, owner)
            self.report[f"new {candidate.source}"] += 1
        else:
            self.report[f"merged {candidate.source}"] += 1
        entry = self.entries[owner]
        if candidate.source not in entry.sources:
            entry.sources.append(candidate.source)
        have = {alias_key(_plain(a)) for a in entry.aliases} | {alias_key(entry.canonical)}
        for alias in names:
            key = alias_key(_plain(alias))
            if key in have:
                continue
            if self._claim(alias, owner):
                entry.aliases.append(alias)
                have.add(key)

    def check(self) -> None:
        for entry in self.entries.values():
            if entry.parent and entry.parent not in self.entries:
                raise SystemExit(f"{entry.canonical}: parent skill {entry.parent!r} is unknown")
            if entry.family and entry.family not in self.families:
                raise SystemExit(f"{entry.canonical}: family {entry.family!r} is not declared")

    def write(self, skills_path: Path, families_path: Path) -> None:
        lines = [
            "# Generated by worker/pipeline/data/build_skills.py from skills.txt (hand-written),",
            "# O*NET 29.2 and ESCO v1.1.1; see ATTRIBUTION.md. Edit skills.txt, then rebuild.",
            "# canonical\tfamily\tparent skill\taliases (' | ', '=' = case-sensitive)\tsources",
        ]
        for entry in self.entries.values():
            exact = f"={entry.canonical}" in entry.aliases
            canonical = f"={entry.canonical}" if exact else entry.canonical
            aliases = [a for a in entry.aliases if a != f"={entry.canonical}"]
            cells = [canonical, entry.family or "", entry.parent or "", " | ".join(aliases)]
            cells.append("+".join(entry.sources))
            lines.append("\t".join(cells))
        skills_path.write_text("\n".join(lines) + "\n", "utf-8")
        fam = ["# family\tparent family (generated from the [family < parent] lines of skills.txt)"]
        fam += [f"{name}\t{parent or ''}" for name, parent in self.families.items()]
        families_path.write_text("\n".join(fam) + "\n", "utf-8")


# -- O*NET -------------------------------------------------------------------------------------


@dataclass
class OnetExample:
    name: str
    occupations: int = 0
    hot: bool = False
    in_demand: bool = False
    commodities: Counter[str] = field(default_factory=Counter)


def read_onet(path: Path) -> list[OnetExample]:
    examples: dict[str, OnetExample] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            example = examples.setdefault(row["Example"], OnetExample(row["Example"]))
            example.occupations += 1
            example.hot |= row["Hot Technology"] == "Y"
            example.in_demand |= row["In Demand"] == "Y"
            example.commodities[row["Commodity Title"]] += 1
    return list(examples.values())


def _selected(example: OnetExample) -> bool:
    if example.hot or example.in_demand or example.occupations >= 3:
        return True
    commodity = example.commodities.most_common(1)[0][0]
    return example.occupations >= 2 and commodity in _SOFTWARE_COMMODITIES


_MULTIWORD_VENDORS = _wordset(
    """Amazon Web Services;The MathWorks;Dassault Systemes;Epic Systems;Henry Schein;
    Red Hat;Thomson Reuters;Unity Technologies;National Instruments;Unreal Technology;Qlik Tech;
    Hewlett Packard Enterprise;Hewlett-Packard;Hewlett Packard;Blackbaud The;Guidance Software;
    Vector 35;GE Healthcare;Avid Technology;Cisco Systems;Sun Microsystems;Leica Geosystems;
    Greenway Medical Technologies;Texas Medical Software;Automatic Data Processing;
    Turtle Creek Software""",
    ";",
)
_KEEP_VENDOR = frozenset({"Microsoft", "Adobe", "Google", "Amazon", "Apple", "Amazon Web Services"})


def onet_vendors(examples: Iterable[OnetExample], words: Words) -> set[str]:
    """Vendor prefixes: a first word that starts at least three product names and is not an
    ordinary word ("Scientific", "National"), plus a few multi-word vendors."""
    counts: Counter[str] = Counter()
    for example in examples:
        tokens = example.name.split()
        if len(tokens) > 1 and tokens[1][:1].isupper():
            counts[tokens[0]] += 1
    vendors = {
        word
        for word, n in counts.items()
        if n >= 3 and word[:1].isupper() and not words.is_common(word)
    }
    return vendors | {"Apple"} | _MULTIWORD_VENDORS


_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&/.-]{1,7}$")
_SOFTWARE_SUFFIX = re.compile(
    r"\s+(software|Software|systems software|programming language|Programming Language)$"
)


def _is_acronym(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters)
    return bool(_ACRONYM.match(token)) and upper >= 1 and upper >= len(letters) - 1


def _initials_match(acronym: str, words: list[str]) -> bool:
    """Whether an acronym abbreviates the words: their initials, plus capitals inside a word
    ("JavaScript Object Notation" -> JSON)."""
    letters = "".join(ch for ch in acronym.upper() if ch.isalpha())
    capitals = "".join(
        (w[0] + "".join(ch for ch in w[1:] if ch.isupper())).upper()
        for w in words
        if w[:1] and w.lower() not in _SMALL_WORDS
    )
    return bool(letters) and (capitals.endswith(letters) or letters in capitals)


def _title(name: str) -> str:
    """Title-case an all-lower-case label, leaving acronyms and small words alone."""
    out = []
    for n, word in enumerate(name.split()):
        if word.islower() and (n == 0 or word not in _SMALL_WORDS):
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)


def onet_candidate(example: OnetExample, vendors: set[str], words: Words) -> Candidate | None:
    name = re.sub(r"\s+", " ", example.name).strip()
    acronyms: list[str] = []
    paren = re.search(r"\s*\(([^)]*)\)\s*$", name)
    if paren:
        name = name[: paren.start()].strip()
        if _is_acronym(paren.group(1)):
            acronyms.append(paren.group(1))
    name = _SOFTWARE_SUFFIX.sub("", name).strip()
    if not name or name.lower() in _SKIP_NAMES:
        return None
    tokens = name.split()
    long_form = name
    if len(tokens) >= 3 and _is_acronym(tokens[-1]) and _initials_match(tokens[-1], tokens[:-1]):
        acronyms.append(tokens[-1])
        long_form = " ".join(tokens[:-1])
    vendor = next(
        (v for v in sorted(vendors, key=len, reverse=True) if long_form.startswith(v + " ")), None
    )
    product = long_form[len(vendor) + 1 :] if vendor else ""
    if product and not product[:1].isalpha():
        vendor, product = None, ""
    # Forms that identify the product: used to find it among skills already known, even when
    # they are too ambiguous to become aliases themselves ("Oracle Java" -> Java).
    merge = [long_form, name, *acronyms]
    if product:
        merge.append(product)
    generic = len(long_form.split()) > 1 and long_form.split()[1].islower() and not vendor
    generic |= long_form.islower()
    generic |= len(long_form.split()) == 1 and words.is_common(long_form) and not acronyms
    aliases: list[str] = []
    for form in (product, *acronyms):
        if not form or form.lower() in _BAD_ALIASES:
            continue
        if form == product and all(words.is_common(w) for w in product.split()):
            continue  # "Epic Practice Management" must not claim "Practice Management"
        verdict = words.judge(form, derived=True)
        if verdict:
            aliases.append(form if verdict == "loose" else "=" + form)
            if vendor and form in acronyms and verdict == "loose":
                aliases.append(f"{vendor} {form}")
    if vendor == "Microsoft" and product:
        aliases.append("MS " + product)
    if generic:
        # "Accounting software", "Structured query language SQL": a category, not a product.
        # It may add its forms to a skill we already have, but it does not make a new one.
        return Candidate(
            _title(long_form),
            None,
            [*aliases, _title(long_form)],
            "onet",
            merge_keys=merge,
            merge_only=True,
        )
    canonical = long_form
    distinctive = (
        product
        and not words.is_common(product.split()[0])
        and (len(product.split()) > 1 or words.judge(product, derived=True) == "loose")
    )
    if distinctive and vendor not in _KEEP_VENDOR:
        canonical = product  # "Dassault Systemes SolidWorks" -> SolidWorks
    verdict = words.judge(canonical)
    if verdict is None or len(canonical.split()) > 6:
        return None
    aliases += [long_form, name]
    if verdict == "exact":
        canonical = "=" + canonical
    aliases = [a for a in dict.fromkeys(aliases) if _plain(a) != _plain(canonical)]
    return Candidate(canonical, onet_family(example), aliases, "onet", merge_keys=merge)


def onet_family(example: OnetExample) -> str | None:
    for family, pattern in NAME_FAMILIES:
        if pattern.search(example.name):
            return family
    for commodity, _ in example.commodities.most_common():
        if commodity in COMMODITY_FAMILIES:
            return COMMODITY_FAMILIES[commodity]
    return None


def onet_candidates(path: Path, words: Words) -> Iterator[Candidate]:
    examples = [e for e in read_onet(path) if _selected(e)]
    vendors = onet_vendors(read_onet(path), words)
    # Hot and in-demand first, then by how many occupations list the example.
    examples.sort(key=lambda e: (not e.hot, not e.in_demand, -e.occupations, e.name))
    for example in examples:
        candidate = onet_candidate(example, vendors, words)
        if candidate:
            yield candidate


# -- ESCO --------------------------------------------------------------------------------------


def _verbs(rows: list[dict[str, str]]) -> set[str]:
    """First words of skill/competence labels used at least three times: ESCO's verbs."""
    counts = Counter(
        r["preferredLabel"].split()[0].lower()
        for r in rows
        if r["skillType"] == "skill/competence" and r["preferredLabel"].strip()
    )
    return {word for word, n in counts.items() if n >= 3}


def esco_family(
    label: str, description: str, hint: str = "", *, trust_description: bool
) -> str | None:
    """Family from the label (and its parenthesised hint); from the description only when
    asked (a one-word term or a digital tool, whose descriptions say what they are)."""
    texts = [f"{label} {hint}".strip()]
    if trust_description:
        texts.append(description.split(". ")[0])
    for text in texts:
        for family, pattern in ESCO_FAMILIES:
            if pattern.search(text):
                return family
    return None


def _esco_aliases(label: str, alts: Iterable[str], verbs: set[str], words: Words) -> list[str]:
    content = {w for w in re.findall(r"[a-z0-9+#]+", label.lower()) if w not in _SMALL_WORDS}
    out = []
    for alt in alts:
        alt = alt.strip()
        if not alt or alt.lower() == label.lower() or len(alt.split()) > 4 or len(alt) > 40:
            continue
        if _ALT_NOISE.search(alt) or alt.split()[0].lower() in verbs:
            continue
        if "(" in alt or "," in alt or ":" in alt:
            continue
        alt_words = {w for w in re.findall(r"[a-z0-9+#]+", alt.lower()) if w not in _SMALL_WORDS}
        acronym = _is_acronym(alt) and _initials_match(alt, label.split())
        spelling = len(alt_words) == len(content) and all(
            any(a[:5] == c[:5] for c in content) for a in alt_words
        )
        if not (acronym or spelling):
            continue
        verdict = words.judge(alt, derived=True)
        if verdict:
            out.append(alt if verdict == "loose" else "=" + alt)
    return out


def esco_candidates(folder: Path, words: Words) -> Iterator[Candidate]:
    with (folder / "skills_en.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "digital_skills_en.csv").open(encoding="utf-8") as handle:
        digital = {row["conceptUri"] for row in csv.DictReader(handle)}
    verbs = _verbs(rows)
    for row in rows:
        label = re.sub(r"\s+", " ", row["preferredLabel"]).strip()
        description = row["description"]
        if not label:
            continue
        is_language = bool(re.match(r"^The\W+" + re.escape(label) + r" language\b", description))
        # A digital skill/competence counts only when it names a tool ("Wireshark"), not an
        # activity ("deploy ICT systems").
        tool = row["conceptUri"] in digital and not label[:1].islower()
        if row["skillType"] != "knowledge" and not is_language and not tool:
            continue
        hint = ""
        paren = re.search(r"\s*\(([^)]*)\)$", label)
        if paren:
            hint, label = paren.group(1), label[: paren.start()].strip()
        first = label.split()[0]
        if len(label.split()) > 4 or (first.lower() in verbs and first.islower()):
            continue
        if first.endswith("ly") and first.islower():
            continue
        if _ESCO_SKIP_START.search(label) or _ESCO_SKIP_END.search(label):
            continue
        if label in _ESCO_SKIP_WORDS or label.lower() in _ESCO_SKIP_WORDS:
            continue
        if label.lower() in _SKIP_NAMES or label.isdigit():
            continue
        trust = row["conceptUri"] in digital or len(label.split()) == 1
        family = (
            "spoken languages"
            if is_language
            else esco_family(label, description, hint, trust_description=trust)
        )
        if family is None:
            continue
        specific = row["reuseLevel"] == "occupation-specific" and row["conceptUri"] not in digital
        if specific and family not in _CORE_FAMILIES:
            continue
        alts = (
            row["altLabels"].splitlines()
            if "\n" in row["altLabels"]
            else (row["altLabels"].split(" | "))
        )
        canonical = label if not label.islower() else _title(label)
        verdict = words.judge(label)
        if verdict is None:
            continue
        aliases = _esco_aliases(label, alts, verbs, words)
        if canonical != label:
            aliases.insert(0, label)
        if verdict == "exact":
            canonical = "=" + canonical
        yield Candidate(canonical, family, aliases, "esco")


# Families an occupation-specific ESCO concept must fall in to be kept.
def _core_families() -> frozenset[str]:
    names = (
        "nursing;clinical medicine;pharmacy;dental care;mental health;therapy and rehabilitation;"
        "emergency care;clinical laboratory;accounting;tax;audit;banking;insurance;"
        "financial analysis;sales;marketing;digital marketing;customer service;supply chain;"
        "procurement;quality management;human resources;project management;product management;"
        "welding and metalwork;electrical trades;plumbing and hvac;construction trades;"
        "woodworking;automotive"
    )
    return frozenset(names.split(";"))


_CORE_FAMILIES = _core_families()


def _descriptions(source: Path) -> Iterator[str]:
    for name, column in (("skills_en.csv", "description"), ("occupations_en.csv", "description")):
        with (source / "esco" / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield row[column]
    with (source / "onet" / "occupation_data.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield row["Description"]


def build(source: Path, out: Path = HERE) -> Builder:
    records, families = parse_hand_lines((out / "skills.txt").read_text("utf-8").splitlines())
    words = Words(out / "everyday_words.txt", _descriptions(source))
    builder = Builder(families, words)
    for record in records:
        builder.add_hand(record)
    for candidate in onet_candidates(source / "onet" / "technology_skills.txt", words):
        builder.add(candidate)
    for candidate in esco_candidates(source / "esco", words):
        builder.add(candidate)
    builder.check()
    builder.write(out / "skills.tsv", out / "skill_families.tsv")
    return builder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", type=Path, help="folder holding esco/ and onet/")
    args = parser.parse_args(argv)
    builder = build(args.source)
    families = {e.family for e in builder.entries.values()}
    print(f"{len(builder.entries)} skills in {len(families)} families", file=sys.stderr)
    for line, count in sorted(builder.report.items()):
        print(f"  {line}: {count}", file=sys.stderr)
    by_source: defaultdict[str, int] = defaultdict(int)
    for entry in builder.entries.values():
        by_source[entry.sources[0]] += 1
    print(f"  first source: {dict(by_source)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

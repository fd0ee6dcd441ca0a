#!/usr/bin/env python3
"""Writes data/uz-network.txt, pochta's model of Uzbekiston Pochtasi's inland network.

The regions, their postcode prefixes and their districts are Uzbekistan's, and
so is the postcode plan: outside Tashkent city a postcode is two digits of
region, two of district and two of office; in Tashkent city it is 100 and the
three-digit number of the post office (pochta.uz,
https://pochta.uz/en/component/content/article.html?id=565:2010-06-09-17-26-56).
No public source gives the real district digits of each region or which
Tashkent office numbers lie in which district, so districts are numbered in
the order listed and Tashkent's office numbers are dealt to its districts at
random. The number of post offices per district, their names and the transit
times are a plausible model (seeded, so the file is reproducible), not the
operator's official office list. So are the parcel lockers and pick-up points:
no public source lists Uzbekiston Pochtasi's, so the file places a few in each
Tashkent district and in each regional centre. Run from the repository root:

    python3 scripts/gen_network.py > data/uz-network.txt
"""
import random

# (postcode prefix, sorting centre code, region name, sorting centre city, [districts])
# Districts are numbered in order; the first is the regional centre's city.
# Tashkent city's twelve districts are numbered 10001-10012 (a district code
# only: its postcodes do not carry it).
REGIONS = [
    ("100", "SC-TAS", "Tashkent city", "Tashkent",
     ["Mirobod", "Yakkasaray", "Shaykhantahur", "Yunusabad", "Mirzo Ulugbek", "Yashnobod", "Bektemir",
      "Chilanzar", "Uchtepa", "Olmazor", "Sergeli", "Yangihayot"]),
    ("11", "SC-NUR", "Tashkent region", "Nurafshon",
     ["Nurafshon city", "Angren city", "Almalyk city", "Bekabad city", "Chirchiq city", "Yangiyul city",
      "Ohangaron city", "Bekabad", "Bostanliq", "Buka", "Chinaz", "Kibray", "Ohangaron", "Oqqorgon", "Parkent",
      "Piskent", "Quyichirchiq", "Ortachirchiq", "Yangiyul", "Yuqorichirchiq", "Zangiota", "Tashkent district"]),
    ("12", "SC-GUL", "Sirdaryo", "Gulistan",
     ["Gulistan city", "Shirin city", "Yangiyer city", "Boyovut", "Gulistan district", "Mirzaobod", "Oqoltin",
      "Sardoba", "Sayxunobod", "Sirdaryo", "Xovos"]),
    ("13", "SC-JIZ", "Jizzakh", "Jizzakh",
     ["Jizzakh city", "Arnasoy", "Baxmal", "Dostlik", "Forish", "Gallaorol", "Sharof Rashidov", "Mirzachol",
      "Paxtakor", "Yangiobod", "Zafarobod", "Zarbdor", "Zomin"]),
    ("14", "SC-SKD", "Samarkand", "Samarkand",
     ["Samarkand city", "Kattakurgan city", "Bulungur", "Ishtixon", "Jomboy", "Kattakurgan", "Qoshrabot",
      "Narpay", "Nurobod", "Oqdaryo", "Paxtachi", "Payariq", "Pastdargom", "Samarkand district", "Toyloq",
      "Urgut"]),
    ("15", "SC-FEG", "Fergana", "Fergana",
     ["Fergana city", "Kokand city", "Margilan city", "Quvasoy city", "Oltiariq", "Bagdod", "Beshariq",
      "Buvayda", "Dangara", "Furqat", "Qoshtepa", "Quva", "Rishton", "Sox", "Toshloq", "Uchkoprik",
      "Ozbekiston", "Yozyovon", "Fergana district"]),
    ("16", "SC-NMA", "Namangan", "Namangan",
     ["Namangan city", "Chortoq", "Chust", "Kosonsoy", "Mingbuloq", "Namangan district", "Norin", "Pop",
      "Toraqorgon", "Uchqorgon", "Uychi", "Yangiqorgon"]),
    ("17", "SC-AZN", "Andijan", "Andijan",
     ["Andijan city", "Khanabad city", "Andijan district", "Asaka", "Baliqchi", "Boz", "Buloqboshi",
      "Izboskan", "Jalaquduq", "Xojaobod", "Qorgontepa", "Marhamat", "Oltinkol", "Paxtaobod", "Shahrixon",
      "Ulugnor"]),
    ("18", "SC-KSQ", "Kashkadarya", "Karshi",
     ["Karshi city", "Shahrisabz city", "Chiroqchi", "Dehqonobod", "Guzor", "Qamashi", "Karshi district",
      "Kasbi", "Kitob", "Koson", "Mirishkor", "Muborak", "Nishon", "Shahrisabz district", "Yakkabog",
      "Kokdala"]),
    ("19", "SC-TMJ", "Surkhandarya", "Termez",
     ["Termez city", "Angor", "Bandixon", "Boysun", "Denov", "Jarqorgon", "Qiziriq", "Qumqorgon", "Muzrabot",
      "Oltinsoy", "Sariosiyo", "Sherobod", "Shorchi", "Termez district", "Uzun"]),
    ("20", "SC-BHK", "Bukhara", "Bukhara",
     ["Bukhara city", "Kogon city", "Olot", "Bukhara district", "Gijduvon", "Jondor", "Kogon district",
      "Qorakol", "Qorovulbozor", "Peshku", "Romitan", "Shofirkon", "Vobkent"]),
    ("21", "SC-NVI", "Navoi", "Navoi",
     ["Navoi city", "Zarafshan city", "Konimex", "Karmana", "Qiziltepa", "Xatirchi", "Navbahor", "Nurota",
      "Tomdi", "Uchquduq"]),
    ("22", "SC-UGC", "Khorezm", "Urgench",
     ["Urgench city", "Khiva city", "Bogot", "Gurlan", "Xonqa", "Hazorasp", "Xiva district", "Qoshkopir",
      "Shovot", "Urganch district", "Yangiariq", "Yangibozor", "Tuproqqala"]),
    ("23", "SC-NCU", "Karakalpakstan", "Nukus",
     ["Nukus city", "Taxiatosh city", "Amudaryo", "Beruniy", "Chimboy", "Ellikqala", "Kegeyli", "Moynoq",
      "Nukus district", "Qonlikol", "Qoraozak", "Qongirot", "Shumanay", "Taxtakopir", "Tortkol", "Xojayli",
      "Bozatov"]),
]

# Trunk line-haul from the office of exchange and between regional sorting
# centres: (from, to, mode, minutes), all two-way. Truck times follow the road
# distance at about 65 km/h plus loading; the three flights are Uzbekistan
# Airways' domestic routes from Tashkent with ground handling included.
TRUNK = [
    ("UZTASA", "SC-TAS", "truck", 35),
    ("UZTASA", "SC-NUR", "truck", 60),
    ("SC-TAS", "SC-NUR", "truck", 50),
    ("UZTASA", "SC-GUL", "truck", 150),
    ("SC-NUR", "SC-GUL", "truck", 120),
    ("SC-GUL", "SC-JIZ", "truck", 90),
    ("UZTASA", "SC-JIZ", "truck", 210),
    ("SC-JIZ", "SC-SKD", "truck", 110),
    ("UZTASA", "SC-SKD", "truck", 300),
    ("SC-SKD", "SC-NVI", "truck", 150),
    ("SC-NVI", "SC-BHK", "truck", 110),
    ("UZTASA", "SC-BHK", "truck", 540),
    ("SC-SKD", "SC-KSQ", "truck", 200),
    ("SC-BHK", "SC-KSQ", "truck", 160),
    ("UZTASA", "SC-KSQ", "truck", 480),
    ("SC-KSQ", "SC-TMJ", "truck", 320),
    ("SC-SKD", "SC-TMJ", "truck", 420),
    ("SC-BHK", "SC-UGC", "truck", 450),
    ("SC-UGC", "SC-NCU", "truck", 150),
    ("UZTASA", "SC-NMA", "truck", 330),
    ("UZTASA", "SC-FEG", "truck", 360),
    ("SC-NUR", "SC-NMA", "truck", 300),
    ("SC-NMA", "SC-AZN", "truck", 80),
    ("SC-AZN", "SC-FEG", "truck", 80),
    ("SC-FEG", "SC-NMA", "truck", 90),
    ("UZTASA", "SC-TMJ", "air", 100),
    ("UZTASA", "SC-NCU", "air", 125),
    ("UZTASA", "SC-UGC", "air", 115),
]

# Minutes from a regional sorting centre to the head offices of its districts
# (the city district of the centre itself is closer), by region.
SPREAD = {"100": (15, 35), "11": (30, 120), "12": (25, 90), "13": (30, 150), "14": (25, 150),
          "15": (25, 120), "16": (25, 110), "17": (25, 100), "18": (30, 180), "19": (30, 200),
          "20": (25, 160), "21": (30, 300), "22": (20, 110), "23": (30, 270)}


def main():
    rng = random.Random(2025)
    out = []
    w = out.append
    w("# pochta network file: Uzbekiston Pochtasi's inland network for inbound international mail.")
    w("# Generated by scripts/gen_network.py (seeded); edit the generator, not this file.")
    w("#")
    w("# Format 3. One record per line; fields are separated by spaces; '#' starts a comment.")
    w("# The last field of exchange, sorting, region, district, office and pickup records is a free-text name.")
    w("#")
    w("#   network 3                          the first record: the format version (1 and 2 are read too;")
    w("#                                      they have no pickup records)")
    w("#   exchange CODE NAME                 the inward office of exchange (exactly one), an IMPC code")
    w("#   sorting CODE NAME                  a regional sorting centre")
    w("#   region PREFIX SORTING-CENTRE NAME  a region: its postcode prefix (2 digits, 100 for Tashkent city)")
    w("#                                      and the sorting centre serving it")
    w("#   district CODE HEAD NAME            a district: its region's prefix and two digits, and the postcode")
    w("#                                      of its head post office, where its branches' mail comes from")
    w("#   office POSTCODE DISTRICT NAME      a delivery post office of that district. Outside Tashkent city")
    w("#                                      the postcode's first four digits are the district; in Tashkent")
    w("#                                      city it is 100 and the office number, in any district")
    w("#   link FROM TO MODE MINUTES [oneway] a transport link, two-way unless 'oneway': MODE is truck, van,")
    w("#                                      rail or air, MINUTES the scheduled door-to-door transit time")
    w("#   pickup CODE KIND OFFICE CAPACITY NAME")
    w("#                                      a parcel locker (KIND locker, open round the clock) or staffed")
    w("#                                      pick-up point (KIND point, open in post office hours) that the")
    w("#                                      delivery office OFFICE fills on its rounds; CAPACITY is the items")
    w("#                                      it holds at once (compartments, shelf places). CODE is its own,")
    w("#                                      never a postcode: here the office's postcode, -L or -P, a number")
    w("#")
    w("# Records may refer to facilities declared further down. The loader refuses the file, naming the")
    w("# line, if a reference is unknown, a postcode or code is declared twice, an office is not in its")
    w("# district's postcodes, a head office is not of its district, a pickup point is not at a delivery")
    w("# office, or a facility cannot be reached from the office of exchange or cannot send mail back.")
    w("#")
    w("# Topology: UZTASA -> regional sorting centres (trucks; flights to Termez, Nukus and Urgench; a")
    w("# road network between neighbouring centres) -> district head offices (trucks) -> branch offices")
    w("# (vans). Office counts per district are a model: 10-30 in cities, 6-20 elsewhere. Lockers and")
    w("# pick-up points are a model too: 2-4 lockers and 1-2 points in each Tashkent district, 1-2")
    w("# lockers and a point in each regional centre.")
    w("")
    w("network 3")
    w("")
    w("exchange UZTASA Tashkent international mail processing centre (inward office of exchange)")
    for prefix, sc, name, city, _ in REGIONS:
        w(f"sorting {sc} {city} regional sorting centre")
    w("")
    for a, b, mode, minutes in TRUNK:
        w(f"link {a} {b} {mode} {minutes}")
    offices = 0
    served = []  # (district label, its postcodes) where lockers and pick-up points stand
    for prefix, sc, name, city, districts in REGIONS:
        w("")
        w(f"# ---- {name} ----")
        w(f"region {prefix} {sc} {name}")
        lo, hi = SPREAD[prefix]
        city_numbers = []
        if prefix == "100":
            # Tashkent: office numbers 000... dealt to the districts at random.
            sizes = [rng.randint(10, 24) for _ in districts]
            city_numbers = list(range(sum(sizes)))
            rng.shuffle(city_numbers)
            dealt, start = [], 0
            for size in sizes:
                dealt.append(sorted(city_numbers[start:start + size]))
                start += size
            city_numbers = dealt
        for i, district in enumerate(districts):
            code = f"{prefix}{i + 1:02d}"
            is_city = district.endswith("city") or prefix == "100"
            if city_numbers:
                postcodes = [f"100{n:03d}" for n in city_numbers[i]]
            else:
                branches = rng.randint(10, 30) if is_city else rng.randint(6, 20)
                postcodes = [f"{code}{k:02d}" for k in range(branches + 1)]
            head = postcodes[0]
            label = district if prefix != "100" else f"Tashkent {district}"
            w(f"district {code} {head} {district}")
            w(f"office {head} {code} {label} head post office")
            minutes = rng.randint(10, 25) if i == 0 else rng.randint(lo, hi)
            w(f"link {sc} {head} truck {minutes}")
            for k, postcode in enumerate(postcodes[1:], start=1):
                name = f"post office {int(postcode[3:])}" if prefix == "100" else f"post office {k}"
                w(f"office {postcode} {code} {label} {name}")
                w(f"link {head} {postcode} van {rng.randint(8, 15) if is_city else rng.randint(10, 60)}")
            offices += len(postcodes)
            if prefix == "100" or i == 0:
                served.append((label, postcodes))
    w("")
    w(f"# {offices} delivery offices.")
    w("")
    w("# ---- Parcel lockers and pick-up points ----")
    # A generator of their own, so that adding them left the rest of the file as it was.
    pick = random.Random(2026)
    pickups = 0
    for label, postcodes in served:
        tashkent = postcodes[0].startswith("100")
        for kind, letter, count, capacity in (("locker", "L", pick.randint(2, 4) if tashkent else pick.randint(1, 2),
                                               (48, 120)),
                                              ("point", "P", pick.randint(1, 2) if tashkent else 1, (60, 200))):
            for n in range(1, count + 1):
                office = pick.choice(postcodes)
                title = "parcel locker" if kind == "locker" else "pick-up point"
                w(f"pickup {office}-{letter}{n} {kind} {office} {pick.randint(*capacity) // 12 * 12} "
                  f"{label} {title} {n}")
                pickups += 1
    w("")
    w(f"# {pickups} lockers and pick-up points.")
    print("\n".join(out))


if __name__ == "__main__":
    main()

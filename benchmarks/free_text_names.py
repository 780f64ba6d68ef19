"""Build coprod_standard/checks/given-names.txt, the given-name list of the free-text checks.

    pip download --no-deps -d /tmp/names names==0.3.0   # the US 1990 census lists
    apt-get install wbritish                           # a British English word list
    python benchmarks/free_text_names.py /tmp/names/names-0.3.0.tar.gz

Sources: the first-name lists of the US 1990 census (public domain, a work of the US
Government), as shipped in the PyPI package ``names`` 0.3.0 (MIT), files
``dist.female.first`` and ``dist.male.first``; and the names in ``EXTRA`` below, given names
common in the UK that those lists lack, compiled for this project (released with the
toolkit under the MIT licence). A name that is also an ordinary English word (in Debian's
``wbritish`` list, lower case), a month or a day, or a place in ``PLACES`` is marked with
``~``: the checks take it for a name only in a sentence that says so.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "coprod_standard" / "checks" / "given-names.txt"
WORDS = Path("/usr/share/dict/british-english")

EXTRA = """
Priya Niamh Rhys Callum Agnieszka Ewa Zainab Tariq Yusuf Samira Sunita Raj Olu Kwame Abdul
Ahmed Fatima Declan Ffion Aled Sian Gethin Bronwen Iwan Cerys Eleri Geraint Huw Dafydd Emyr
Gwen Gwyneth Bethan Rhiannon Nia Owain Ieuan Llinos Elin Eilidh Morag Hamish Fergus Ailsa
Mairead Roisin Ciaran Oisin Aoife Saoirse Padraig Seamus Eamon Noor Amira Aaliyah Imran
Bilal Hamza Usman Zubair Nadia Shabana Nasreen Parveen Rukhsana Farida Salma Shazia Asif Arif
Khalid Rashid Naveed Waqar Sajid Zahid Tahir Jaswinder Gurpreet Harpreet Manjit Kuldeep
Baljit Sukhwinder Rajinder Amarjit Pritam Anil Sanjay Vijay Ravi Deepak Ramesh Suresh Mahesh
Dinesh Anjali Pooja Neha Kavita Meena Geeta Sita Lakshmi Bhavna Hina Chinedu Chidi Ngozi
Adaeze Folasade Funmilayo Oluwaseun Temitope Tunde Ade Yetunde Kofi Ama Akosua Abena Kwabena
Femi Segun Bola Emeka Obi Nkechi Wanjiru Otieno Amina Halima Hodan Abdi Farah Liban Ayaan
Hibo Wojciech Krzysztof Piotr Tomasz Marek Katarzyna Magdalena Zofia Andrzej Mateusz Jakub
Oksana Olena Dmytro Mihai Ionut Andreea Bogdan Florin Gheorghe Vasile Ioana Ahmet Mehmet
Ayse Fatma Emine Leyla Zeynep Hakan Mustafa Ibrahim Ismail Yasmin Layla Leila Mia Isla Freya
Poppy Evie Ellie Millie Alfie Archie Kayleigh Chantelle Jodie Gemma Kerry Leanne Stacey
Carly Kirsty Lindsey Shona Bryony Imogen Phoebe Harriet Jemima Rosie Tilly Maisie Darcy
Ellis Kieran Liam Connor Jamie Lewis Jordan Reece Jake Nathan Ryan Aiden Oliver Harry
Charlie Toby Rory Hugo Angus Alistair Duncan Euan Ewan Gregor Ross Craig Stuart Gordon
Malcolm Norman Clive Nigel Trevor Colin Keith Derek Barry Terry Geoff Geoffrey Graham Ian
Neil Gary Darren Wayne Lee Dean Shaun Jason Stephen Steve Mick Pete Andy Rob Chris Jo Sam
Liz Kate Katie Becky Nicky Mo Nat Ali Suzy Bev Jackie Val Pam Sheila Brenda Maureen Doreen
Irene Joan Eileen Pauline Shirley Sandra Janet Lorraine Tracey Mandy Dawn Julie Jane Olu
Gareth Glyn Gavin Alun Emlyn Idris Meirion Rhodri Carwyn Bryn Llew Cai Osian Tegan Lowri
""".split()

# places in the UK, countries and peoples that are also given names in the lists
PLACES = """
Kingston Chester Preston Lincoln Stanley Beverley Clifton Ashley Milton Sydney Jersey
Hastings Shirley Derby Darlington Victoria Florence Georgia Jordan Austin Denver Dallas
Houston Chelsea Devon Kent Clyde Barry Ashton Bradford Camden Brent Whitby Kendal Wells
Crawley Buxton Sheldon Dudley Harlow Luton Bolton Carlisle Lancaster Warwick Winston
Paris Sharon Adelaide Regina Charlotte Elgin Dunstan Everton Fulham Brighton Hamilton
Selby Morley Hayes Harrow Mitcham Tyrone Antrim Down Kerry Clare Galway Eden Tyne Trent
Roma Romany India Asia China Africa America Kenya Jamaica Israel Lebanon Syria Albania Romania
Bulgaria Ireland Scotland Wales England Britain Europe Sudan Eritrea Somalia Cuba Chad Egypt
Iran Iraq Italy Germany France Spain Poland Brazil Chile Peru Nigeria Ghana Uganda Malaysia
""".split()
MONTHS_DAYS = """January February March April May June July August September October
November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Easter
Christmas Whitsun""".split()


def census_names(sdist: Path) -> set[str]:
    names: set[str] = set()
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.name.endswith(("dist.female.first", "dist.male.first")):
                for line in tar.extractfile(member).read().decode().splitlines():
                    if line.strip():
                        names.add(line.split()[0].title())
    return names


def main(sdist: str) -> None:
    census = census_names(Path(sdist))
    words = {w for w in WORDS.read_text().split() if w.islower()}
    names = census | set(EXTRA)
    ambiguous = {n for n in names if n.lower() in words} | (names & set(PLACES)) | \
        (names & set(MONTHS_DAYS))
    header = [
        "# Given names for the free-text privacy checks (coprod_standard/checks/free_text.py).",
        "# Built by benchmarks/free_text_names.py; rebuild rather than edit.",
        "# Sources: US 1990 census first-name lists (public domain), from the PyPI package",
        "# names 0.3.0 (MIT); and given names common in the UK compiled for this project",
        "# (MIT). '~' marks a name that is also a word, a month or day, or a place.",
    ]
    lines = [("~" if n in ambiguous else "") + n for n in sorted(names)]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{len(names)} names ({len(census)} from the census, {len(names - census)} added), "
          f"{len(ambiguous)} marked as also words or places: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])

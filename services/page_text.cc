#include "services/internal/page_text.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

namespace pochta::services {
namespace {

// Each array in the order of the enum's numbers (core/tracking.h): statuses
// info-received ... exception; events EMA EMB EXA EXB EXC EXD EXX EMC EMJ
// EMK EMD EDA EDB EME EDC EMF EDD EDE EMG EDF EDH EDG EMH EDX EMI; reasons
// none, addressee-absent ... duty-unpaid.
const PageText kUzbek = {
    .code = "uz",
    .language = "O‘zbekcha",
    .title = "Jo‘natmani kuzatish",
    .staff_title = "Ish ro‘yxatlari",
    .key = "API kaliti",
    .item = "Jo‘natma raqami",
    .track = "Kuzatish",
    .show = "Ko‘rsatish",
    .status = "Holati",
    .where = "Qayerda",
    .since = "shu vaqtdan beri",
    .expected = "Taxminiy yetkazib berish",
    .expected_latest = "10 holatdan 9 tasida kechi bilan",
    .hours = "soat",
    .minutes = "daq.",
    .route = "Qolgan yo‘l",
    .timeline = "Voqealar",
    .when = "Vaqt (mahalliy)",
    .event = "Voqea",
    .place = "Joy",
    .reason = "Sabab",
    .sender = "Jo‘natuvchi",
    .addressee = "Qabul qiluvchi",
    .destination = "Yetkazib beruvchi bo‘lim",
    .facility = "Ob’ekt",
    .any_status = "istalgan holat",
    .older_than_hours = "Necha soatdan eski",
    .page_size = "Sahifada",
    .page = "Sahifa",
    .next_page = "Keyingi sahifa",
    .first_page = "Birinchi sahifa",
    .no_items = "Jo‘natmalar yo‘q.",
    .local_time_note = "Vaqtlar voqea sodir bo‘lgan joyning mahalliy vaqtida.",
    .statuses = {"Ma’lumot olindi", "Yo‘lda", "Bojxonada", "Olib ketishni kutmoqda", "Yetkazib berilmoqda",
                 "Yetkazib berib bo‘lmadi", "Topshirildi", "Jo‘natuvchiga qaytarilmoqda", "To‘xtatildi"},
    .events = {"Jo‘natuvchi pochta bo‘limida qabul qilindi",
               "Jo‘natuvchi mamlakatning xalqaro almashinuv joyiga keldi",
               "Eksport bojxonasiga taqdim etildi",
               "Eksport bojxonasida ushlab qolindi",
               "Eksport bojxonasidan qaytarildi",
               "Jo‘natuvchi mamlakatning almashinuv joyida ushlab qolindi",
               "Jo‘natuvchi mamlakatda bekor qilindi",
               "Jo‘natuvchi mamlakatdan jo‘natildi",
               "Tranzit almashinuv joyiga keldi",
               "Tranzit almashinuv joyidan jo‘natildi",
               "O‘zbekistonga, xalqaro almashinuv joyiga keldi",
               "O‘zbekistondagi almashinuv joyida ushlab qolindi",
               "Import bojxonasiga taqdim etildi",
               "Bojxona tekshiruvida",
               "Bojxonadan chiqarildi",
               "Almashinuv joyidan O‘zbekiston bo‘ylab jo‘natildi",
               "Saralash markaziga keldi",
               "Saralash markazidan jo‘natildi",
               "Yetkazib beruvchi pochta bo‘limiga keldi",
               "Pochta bo‘limida olib ketishni kutmoqda",
               "Topshirish punktiga keldi, olib ketishni kutmoqda",
               "Pochtachi yetkazib bermoqda",
               "Yetkazib berishga urinildi, topshirilmadi",
               "O‘zbekistonda to‘xtatildi (import bekor qilindi)",
               "Qabul qiluvchiga topshirildi"},
    .reasons = {"", "Qabul qiluvchi uyda yo‘q edi, xabarnoma qoldirildi", "Qabul qiluvchi rad etdi",
                "Muddatida olib ketilmadi", "Manzil noto‘g‘ri yoki to‘liq emas", "Bu manzilda bunday shaxs yo‘q",
                "Qabul qiluvchi ko‘chib ketgan", "Qabul qiluvchi vafot etgan", "Hujjatlar tekshirilmoqda",
                "Ko‘zdan kechirish uchun ushlab turilibdi", "Boj va soliqlar to‘lanishi kutilmoqda",
                "Taqiqlangan yoki cheklangan tovar", "Boj muddatida to‘lanmadi"},
    .modes = {"yuk mashinasi", "furgon", "temir yo‘l", "havo"},
};

const PageText kRussian = {
    .code = "ru",
    .language = "Русский",
    .title = "Отслеживание отправления",
    .staff_title = "Рабочие списки",
    .key = "API-ключ",
    .item = "Номер отправления",
    .track = "Отследить",
    .show = "Показать",
    .status = "Статус",
    .where = "Где",
    .since = "с",
    .expected = "Ожидаемая доставка",
    .expected_latest = "в 9 случаях из 10 не позднее",
    .hours = "ч",
    .minutes = "мин",
    .route = "Оставшийся путь",
    .timeline = "История",
    .when = "Время (местное)",
    .event = "Событие",
    .place = "Место",
    .reason = "Причина",
    .sender = "Отправитель",
    .addressee = "Получатель",
    .destination = "Отделение доставки",
    .facility = "Объект",
    .any_status = "любой статус",
    .older_than_hours = "Старше, часов",
    .page_size = "На странице",
    .page = "Страница",
    .next_page = "Следующая страница",
    .first_page = "Первая страница",
    .no_items = "Отправлений нет.",
    .local_time_note = "Время указано местное, по месту события.",
    .statuses = {"Получена информация", "В пути", "На таможне", "Ожидает получения", "Доставляется",
                 "Неудачная попытка вручения", "Вручено", "Возвращается отправителю", "Остановлено"},
    .events = {"Принято в отделении связи отправителя",
               "Прибыло в место международного обмена страны отправления",
               "Передано на экспортный таможенный контроль",
               "Задержано экспортной таможней",
               "Возвращено с экспортной таможни",
               "Задержано в месте международного обмена страны отправления",
               "Отменено в стране отправления",
               "Покинуло страну отправления",
               "Прибыло в транзитный пункт обмена",
               "Покинуло транзитный пункт обмена",
               "Прибыло в Узбекистан, в место международного обмена",
               "Задержано в месте международного обмена в Узбекистане",
               "Передано на таможенный контроль",
               "Задержано таможней для досмотра",
               "Выпущено таможней",
               "Отправлено из места международного обмена по Узбекистану",
               "Прибыло в сортировочный центр",
               "Покинуло сортировочный центр",
               "Прибыло в отделение доставки",
               "Ожидает получения в отделении",
               "Прибыло в пункт выдачи, ожидает получения",
               "Передано почтальону для доставки",
               "Неудачная попытка вручения",
               "Остановлено в Узбекистане (ввоз отменён)",
               "Вручено получателю"},
    .reasons = {"", "Получателя не было дома, оставлено извещение", "Получатель отказался",
                "Не востребовано в срок хранения", "Адрес неверный или неполный", "Адресат по адресу неизвестен",
                "Адресат выбыл", "Адресат умер", "Проверяются документы", "Задержано для досмотра",
                "Ожидается уплата пошлин и налогов", "Запрещённый или ограниченный товар",
                "Пошлина не уплачена в срок"},
    .modes = {"грузовик", "фургон", "железная дорога", "самолёт"},
};

const PageText kEnglish = {
    .code = "en",
    .language = "English",
    .title = "Track an item",
    .staff_title = "Work lists",
    .key = "API key",
    .item = "Item number",
    .track = "Track",
    .show = "Show",
    .status = "Status",
    .where = "Where",
    .since = "since",
    .expected = "Expected delivery",
    .expected_latest = "in 9 cases in 10 by",
    .hours = "h",
    .minutes = "min",
    .route = "Remaining route",
    .timeline = "Timeline",
    .when = "Time (local)",
    .event = "Event",
    .place = "Place",
    .reason = "Reason",
    .sender = "Sender",
    .addressee = "Addressee",
    .destination = "Delivery office",
    .facility = "Facility",
    .any_status = "any status",
    .older_than_hours = "Older than, hours",
    .page_size = "Per page",
    .page = "Page",
    .next_page = "Next page",
    .first_page = "First page",
    .no_items = "No items.",
    .local_time_note = "Times are local to where each event happened.",
    .statuses = {"Information received", "In transit", "At customs", "Awaiting collection", "Out for delivery",
                 "Delivery attempt failed", "Delivered", "Being returned to the sender", "Stopped"},
    .events = {"Accepted at the sender's post office",
               "Arrived at the sending country's office of exchange",
               "Presented to export customs",
               "Held by export customs",
               "Returned from export customs",
               "Held at the sending country's office of exchange",
               "Cancelled in the sending country",
               "Left the sending country",
               "Arrived at a transit office of exchange",
               "Left a transit office of exchange",
               "Arrived in Uzbekistan, at the office of exchange",
               "Held at the office of exchange in Uzbekistan",
               "Presented to customs",
               "Held by customs for inspection",
               "Released by customs",
               "Left the office of exchange for delivery in Uzbekistan",
               "Arrived at a sorting centre",
               "Left a sorting centre",
               "Arrived at the delivery post office",
               "Waiting at the post office for collection",
               "Arrived at a pick-up point for collection",
               "Out for delivery with the postman",
               "Delivery attempted, not delivered",
               "Stopped in Uzbekistan (import cancelled)",
               "Delivered to the addressee"},
    .reasons = {"", "Nobody at the address; a notice was left", "The addressee refused it",
                "Not collected within the holding period", "The address is wrong or incomplete",
                "The addressee is not known at the address", "The addressee has moved", "The addressee has died",
                "Customs are checking the documents", "Held for a physical inspection",
                "Waiting for duty and taxes to be paid", "Prohibited or restricted goods", "Duty not paid in time"},
    .modes = {"truck", "van", "rail", "air"},
};

}  // namespace

const PageText& Text(Language language) {
  switch (language) {
    case Language::kUzbek: return kUzbek;
    case Language::kRussian: return kRussian;
    case Language::kEnglish: return kEnglish;
  }
  return kUzbek;
}

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code == "uz") return Language::kUzbek;
  if (code == "ru") return Language::kRussian;
  if (code == "en") return Language::kEnglish;
  return std::nullopt;
}

Language FromAcceptLanguage(std::string_view header) {
  // "ru-RU,ru;q=0.9,en;q=0.8": tags with optional weights, the best first
  // once sorted by weight (stable, so equal weights keep their order).
  struct Choice {
    Language language;
    double weight;
  };
  std::vector<Choice> choices;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    double weight = 1;
    if (const size_t semi = part.find(';'); semi != std::string_view::npos) {
      const std::string_view params = part.substr(semi + 1);
      if (const size_t q = params.find("q="); q != std::string_view::npos) {
        weight = std::atof(std::string(params.substr(q + 2)).c_str());
      }
      part = part.substr(0, semi);
    }
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::string primary(part.substr(0, std::min(part.find('-'), part.size())));
    for (char& c : primary) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (const std::optional<Language> language = ParseLanguage(primary); language && weight > 0) {
      choices.push_back({*language, weight});
    }
  }
  std::stable_sort(choices.begin(), choices.end(),
                   [](const Choice& a, const Choice& b) { return a.weight > b.weight; });
  return choices.empty() ? Language::kUzbek : choices.front().language;
}

}  // namespace pochta::services

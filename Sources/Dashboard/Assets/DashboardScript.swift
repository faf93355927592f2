/// The page's script: plain JavaScript, no framework. Data is only ever set as `textContent`.
enum DashboardScript {
    static let text = #"""
        "use strict";
        const WORDS = {
          en: {
            title: "AI tool screenings", counts: "Screenings", period: "Period", days7: "Last 7 days", days30: "Last 30 days",
            days90: "Last 90 days", days365: "Last 12 months", truncated: "Counts cover the newest screenings only.",
            verdict: "Verdict", count: "Count", department: "Department", total: "Total", latest: "Latest screenings",
            time: "Time (UTC)", tool: "Tool", packs: "Packs", request: "Request id", packsActive: "Packs and workers",
            pack: "Pack", version: "Version", workers: "Workers", queued: "Queued", calendar: "Conditions coming due",
            dueDate: "From", condition: "What must be done", ready: "ready", notReady: "not ready", live: "live",
            offline: "reconnecting", none: "(none)", unknown: "(not stated)", provisional: "provisional",
            "v.approved": "Approved", "v.approved-with-conditions": "Approved with conditions",
            "v.needs-review": "Needs review", "v.rejected": "Rejected", "v.error": "Error", "v.unfinished": "Unfinished"
          },
          da: {
            title: "Screening af AI-værktøjer", counts: "Screeninger", period: "Periode", days7: "Seneste 7 dage",
            days30: "Seneste 30 dage", days90: "Seneste 90 dage", days365: "Seneste 12 måneder",
            truncated: "Tallene omfatter kun de nyeste screeninger.", verdict: "Vurdering", count: "Antal",
            department: "Afdeling", total: "I alt", latest: "Seneste screeninger", time: "Tid (UTC)", tool: "Værktøj",
            packs: "Regelsæt", request: "Anmodnings-id", packsActive: "Regelsæt og workers", pack: "Regelsæt",
            version: "Version", workers: "Workers", queued: "I kø", calendar: "Betingelser der træder i kraft",
            dueDate: "Fra", condition: "Hvad skal gøres", ready: "klar", notReady: "ikke klar", live: "direkte",
            offline: "forbinder igen", none: "(ingen)", unknown: "(ikke oplyst)", provisional: "foreløbig",
            "v.approved": "Godkendt", "v.approved-with-conditions": "Godkendt med betingelser",
            "v.needs-review": "Kræver vurdering", "v.rejected": "Afvist", "v.error": "Fejl", "v.unfinished": "Ikke færdig"
          }
        };
        const VERDICTS = ["approved", "approved-with-conditions", "needs-review", "rejected"];
        let lang = localStorage.getItem("aiscreen.lang") === "da" ? "da" : "en";
        const latest = new Map();  // request_id -> summary, newest first in the table
        let conditions = [];
        let lastSummary = null;
        let lastStatus = null;
        let isLive = false;

        function word(key) { return (WORDS[lang] && WORDS[lang][key]) || WORDS.en[key] || key; }
        function verdictWord(v) { return v ? word("v." + v) : word("v.unfinished"); }
        function cell(row, text, className) {
          const td = document.createElement("td");
          td.textContent = text === null || text === undefined ? "" : String(text);
          if (className) td.className = className;
          row.appendChild(td);
          return td;
        }
        function clear(tbody) { while (tbody.firstChild) tbody.removeChild(tbody.firstChild); }
        function body(id) { return document.querySelector("#" + id + " tbody"); }
        function shortTime(t) { return t ? String(t).replace("T", " ").slice(0, 19) : ""; }
        async function getJSON(url) {
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok) throw new Error(url + ": " + response.status);
          return response.json();
        }

        function applyLanguage() {
          document.documentElement.lang = lang;
          for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = word(element.dataset.i18n);
          document.getElementById("lang-da").setAttribute("aria-pressed", String(lang === "da"));
          document.getElementById("lang-en").setAttribute("aria-pressed", String(lang === "en"));
          renderLatest();
          renderCalendar();
          if (lastSummary) renderSummary(lastSummary);
          if (lastStatus) renderStatus(lastStatus);
          renderLive();
        }

        function renderLive() {
          const live = document.getElementById("live");
          live.textContent = word(isLive ? "live" : "offline");
          live.className = "badge " + (isLive ? "ok" : "bad");
        }

        function renderStatus(status) {
          lastStatus = status;
          const badge = document.getElementById("ready");
          badge.textContent = word(status.ready ? "ready" : "notReady");
          badge.className = "badge " + (status.ready ? "ok" : "bad");
          badge.title = status.reasons.join("\n");
          const tbody = body("packs");
          clear(tbody);
          for (const p of status.packs) {
            const row = document.createElement("tr");
            row.dataset.pack = p.id;
            cell(row, p.id, "pack");
            cell(row, p.version, "version");
            cell(row, p.workers, "number workers");
            cell(row, p.queued, "number");
            tbody.appendChild(row);
          }
        }

        function renderSummary(summary) {
          lastSummary = summary;
          const verdicts = body("by-verdict");
          clear(verdicts);
          for (const [verdict, n] of Object.entries(summary.by_verdict)) {
            const row = document.createElement("tr");
            row.dataset.verdict = verdict;
            cell(row, verdictWord(verdict), "verdict-" + verdict);
            cell(row, n, "number");
            verdicts.appendChild(row);
          }
          const departments = body("by-department");
          clear(departments);
          for (const d of summary.by_department) {
            const row = document.createElement("tr");
            cell(row, d.department === null ? word("unknown") : d.department, "department");
            cell(row, d.total, "number");
            for (const v of VERDICTS) cell(row, d.by_verdict[v] || 0, "number");
            departments.appendChild(row);
          }
          document.getElementById("truncated").hidden = !summary.truncated;
        }

        function renderLatest() {
          const tbody = body("latest");
          clear(tbody);
          for (const s of latest.values()) {
            const row = document.createElement("tr");
            row.dataset.requestId = s.request_id;
            if (s.isNew) row.className = "new";
            cell(row, shortTime(s.published_at || s.completed_at || s.received_at), "time");
            cell(row, s.tool === null ? word("unknown") : s.tool, "tool");
            cell(row, s.department === null ? word("unknown") : s.department, "department");
            cell(row, verdictWord(s.verdict) + (s.provisional ? " (" + word("provisional") + ")" : ""), "verdict verdict-" + (s.verdict || "none"));
            cell(row, (s.packs || []).map(p => p.id + " " + p.version).join(", "), "packs");
            const link = document.createElement("a");  // the MED report of this screening
            link.textContent = s.request_id;
            link.href = "/screenings/" + encodeURIComponent(s.request_id) + "?lang=" + lang;
            cell(row, "", "request").appendChild(link);
            tbody.appendChild(row);
          }
        }

        function addScreening(summary, isNew) {
          latest.delete(summary.request_id);
          summary.isNew = isNew;
          const entries = [[summary.request_id, summary], ...latest.entries()].slice(0, 50);
          latest.clear();
          for (const [id, s] of entries) latest.set(id, s);
          renderLatest();
        }

        function renderCalendar() {
          const tbody = body("calendar");
          clear(tbody);
          for (const c of conditions) {
            const row = document.createElement("tr");
            cell(row, c.date, "date");
            cell(row, c.tool === null ? c.request_id : c.tool, "tool");
            cell(row, c.department === null ? word("unknown") : c.department, "department");
            cell(row, lang === "da" ? c.da : c.en, "condition");
            tbody.appendChild(row);
          }
        }

        async function loadSummary() {
          const days = Number(document.getElementById("period").value);
          const since = new Date(Date.now() - (days - 1) * 86400000).toISOString().slice(0, 10);
          try { renderSummary(await getJSON("/api/summary?since=" + since)); } catch (e) { console.warn(e); }
        }

        async function loadStatus() {
          try { renderStatus(await getJSON("/api/status")); } catch (e) { console.warn(e); }
        }

        async function loadConditions() {
          try { conditions = (await getJSON("/api/conditions")).conditions; renderCalendar(); } catch (e) { console.warn(e); }
        }

        function follow() {
          const events = new EventSource("/api/events");
          events.onopen = () => { isLive = true; renderLive(); };
          events.onerror = () => { isLive = false; renderLive(); };
          events.addEventListener("verdict", event => {
            addScreening(JSON.parse(event.data), true);
            clearTimeout(follow.refresh);
            follow.refresh = setTimeout(() => { loadSummary(); loadConditions(); }, 1000);
          });
        }

        async function start() {
          document.getElementById("lang-da").addEventListener("click", () => { lang = "da"; localStorage.setItem("aiscreen.lang", lang); applyLanguage(); });
          document.getElementById("lang-en").addEventListener("click", () => { lang = "en"; localStorage.setItem("aiscreen.lang", lang); applyLanguage(); });
          document.getElementById("period").addEventListener("change", loadSummary);
          applyLanguage();
          try {
            const list = await getJSON("/api/screenings?limit=20");
            for (const s of list.screenings.reverse()) addScreening(s, false);
          } catch (e) { console.warn(e); }
          follow();
          loadSummary();
          loadStatus();
          loadConditions();
          setInterval(loadStatus, 5000);
        }
        document.addEventListener("DOMContentLoaded", start);
        """#
}

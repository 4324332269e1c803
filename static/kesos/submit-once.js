// Submit buttons that disable themselves: a second click, or a second tap on a slow phone, while a
// form is being sent does not send it again. The server's idempotency key (the hidden
// `idempotency_key` of create forms, kesos.core.idempotency) catches whatever still gets through:
// a page whose script has not loaded yet, a retry, the Back button then "Simpan" again.
// - Every form sent with POST (or by htmx: hx-post/put/patch/delete), except [data-submit-once="off"]
//   (a form that downloads a file and leaves the page where it is).
// - A second submission of a form still being sent is cancelled. Its buttons are disabled just after
//   the browser has read the form, so the clicked button's name and value are still sent.
// - Enabled again when the page is shown again (Back button, back-forward cache: pageshow), when the
//   browser finds the form invalid, when another script cancels the submission, when an htmx request
//   ends, and after RELEASE_MS in any case (the server key makes a late second click harmless).
(function () {
  "use strict";

  const RELEASE_MS = 20000;
  const SENDING = "data-kesos-sending";
  const DISABLED_BY_US = "data-kesos-disabled";
  const HTMX_WRITE = "[hx-post],[hx-put],[hx-patch],[hx-delete],[data-hx-post],[data-hx-put],[data-hx-patch],[data-hx-delete]";

  function isHtmx(form) {
    return form.matches(HTMX_WRITE);
  }

  function guarded(form) {
    if (!(form instanceof HTMLFormElement) || form.getAttribute("data-submit-once") === "off") return false;
    return (form.getAttribute("method") || "").toLowerCase() === "post" || isHtmx(form);
  }

  function submitButtons(form) {
    return Array.from(form.elements).filter(function (el) {
      return el.type === "submit" || el.type === "image";
    });
  }

  function lock(form) {
    submitButtons(form).forEach(function (button) {
      if (!button.disabled) {
        button.disabled = true;
        button.setAttribute(DISABLED_BY_US, "");
        button.setAttribute("aria-busy", "true");
      }
    });
  }

  function release(form) {
    if (!form.hasAttribute(SENDING)) return;
    form.removeAttribute(SENDING);
    window.clearTimeout(Number(form.dataset.kesosTimer || 0));
    submitButtons(form).forEach(function (button) {
      if (button.hasAttribute(DISABLED_BY_US)) {
        button.disabled = false;
        button.removeAttribute(DISABLED_BY_US);
        button.removeAttribute("aria-busy");
      }
    });
  }

  // Capture phase: before htmx or any handler on the form sees a second submission.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!guarded(form)) return;
      if (form.hasAttribute(SENDING)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      form.setAttribute(SENDING, "");
      window.setTimeout(function () {
        if (form.hasAttribute(SENDING)) lock(form);
      }, 0);
      form.dataset.kesosTimer = String(window.setTimeout(release, RELEASE_MS, form));
    },
    true
  );

  // Bubble phase: a submission some other script cancelled was not sent (htmx cancels the browser's
  // own submission because it sends the form itself: that one stays locked until htmx is done).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (guarded(form) && event.defaultPrevented && !isHtmx(form)) release(form);
  });

  document.addEventListener(
    "invalid",
    function (event) {
      if (event.target.form) release(event.target.form);
    },
    true
  );

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target instanceof HTMLFormElement ? event.target : event.target.closest && event.target.closest("form");
    if (form) release(form);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[" + SENDING + "]").forEach(release);
  });
})();

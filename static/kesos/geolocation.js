// "Ambil lokasi": fills a form's hidden latitude/longitude from the phone's position (browser
// geolocation). Optional: without it, or when the user refuses, the form is sent without a location.
// Each [data-geo-form] holds a [data-geo-button] (hidden until this script shows it), a
// [data-geo-status] line and the inputs whose names end in "latitude" and "longitude".
(function () {
  "use strict";

  function setup(form) {
    const button = form.querySelector("[data-geo-button]");
    const status = form.querySelector("[data-geo-status]");
    const latitude = form.querySelector('input[name$="latitude"]');
    const longitude = form.querySelector('input[name$="longitude"]');
    if (!button || !latitude || !longitude || !("geolocation" in navigator)) return;

    function say(text) {
      if (status) status.textContent = text;
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say("Mencari lokasi…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          const accuracy = Math.round(position.coords.accuracy || 0);
          say("Lokasi terekam: " + latitude.value + ", " + longitude.value + (accuracy ? " (±" + accuracy + " m)." : "."));
          button.textContent = "Perbarui lokasi";
          button.disabled = false;
        },
        function (error) {
          latitude.value = "";
          longitude.value = "";
          say(
            error.code === 1
              ? "Izin lokasi ditolak. Foto tetap dapat dikirim tanpa lokasi."
              : "Lokasi tidak dapat diambil (sinyal GPS lemah?). Coba lagi, atau kirim foto tanpa lokasi."
          );
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }

  document.querySelectorAll("[data-geo-form]").forEach(setup);
})();

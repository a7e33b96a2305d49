// A button with data-print prints the page (the Content-Security-Policy forbids onclick="").
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

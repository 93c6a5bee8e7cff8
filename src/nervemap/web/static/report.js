// The printable report's Print button (a static script: the content security policy blocks
// inline handlers such as onclick).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-print]");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
});

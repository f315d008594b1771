// The take-home sheet's Print button (a script file: the studio's policy allows no inline script).
document.getElementById("print")?.addEventListener("click", () => window.print());

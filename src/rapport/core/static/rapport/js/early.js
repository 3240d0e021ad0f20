/* Loaded before first paint: lets the CSS lay out the JavaScript version at once. */
document.documentElement.classList.add("js");

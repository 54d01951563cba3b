/** Placeholder tab. */
export async function importTab(panel) {
  panel.textContent = "Coming soon.";
}

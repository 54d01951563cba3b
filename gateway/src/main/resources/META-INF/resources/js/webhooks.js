/** Placeholder tab. */
export async function webhooksTab(panel) {
  panel.textContent = "Coming soon.";
}

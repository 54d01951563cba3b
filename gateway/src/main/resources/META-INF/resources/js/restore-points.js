/** Placeholder tab. */
export async function restorePointsTab(panel) {
  panel.textContent = "Coming soon.";
}

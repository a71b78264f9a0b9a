// The index: links to the faces of a site (the demo site "main" unless ?site= says otherwise).

import { chooseLanguage, languagePicker, onLanguageChange, t, translatePage } from './i18n.js';

const $ = (id) => document.getElementById(id);
const site = new URLSearchParams(location.search).get('site') || 'main';

function render() {
  $('intro').textContent = t('index.intro', { site });
  for (const face of ['tv', 'desk', 'kiosk']) $('link-' + face).href = `/${face}/${encodeURIComponent(site)}`;
}

chooseLanguage(null);
languagePicker($('lang'));
translatePage();
$('site').value = site;
onLanguageChange(render);
render();
$('site-form').addEventListener('submit', (event) => {
  event.preventDefault();
  location.search = '?site=' + encodeURIComponent($('site').value.trim());
});

import { createApp } from 'vue';
import 'element-plus/theme-chalk/base.css';
import App from './App.vue';
import { completeOidcSignIn } from './auth/oidc';
import { router } from './router';
import './styles.css';

// An OpenID Connect provider sends the browser back with ?code=…&state=…; the code is exchanged
// and the query removed from the address bar before anything renders.
await completeOidcSignIn();

createApp(App).use(router).mount('#app');
